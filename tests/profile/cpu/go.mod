module example.com/cpu

go 1.19
