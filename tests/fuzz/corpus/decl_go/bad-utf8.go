type Sÿ struct { a bool }
type T struct { bÃ( int }
