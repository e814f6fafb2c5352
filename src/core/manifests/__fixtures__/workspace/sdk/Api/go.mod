// Nested module with a capital letter in its path (proxy escaping: !api).
module github.com/example/fixture/sdk/Api

go 1.19

require (
	github.com/example/fixture v0.1.0
	golang.org/x/text v0.14.0 // indirect
)

replace github.com/example/fixture => ../..
