module example.com/acme/app/v2

go 1.19

require (
	example.com/acme/lib v1.2.0
	golang.org/x/text v0.14.0
)

replace example.com/acme/lib => ../lib
