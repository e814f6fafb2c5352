pub fn stamp() -> &'static str { "fixture" }
