package fixture

// Version is the fixture root module.
const Version = "root"
