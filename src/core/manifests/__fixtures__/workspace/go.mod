module github.com/example/fixture

go 1.19
