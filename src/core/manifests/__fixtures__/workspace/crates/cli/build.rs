fn main() { let _ = fixture_build_helper::stamp(); }
