pub fn run() -> u32 { corelib::answer() }
