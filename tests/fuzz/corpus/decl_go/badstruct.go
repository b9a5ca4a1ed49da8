// A struct as people first write it: fields in the order they thought of
// them.  structalign shows what that order costs and the order that does not.
package orders

type BadStruct struct {
	Flag    bool
	Counter int64
	Active  bool
}

type Order struct {
	Filled   bool
	ID       uint64
	Side     byte
	Price    float64
	Venue    string
	Quantity int32
	Client   *Client
	Urgent   bool
}

type Client struct {
	Name string
	Tier int8
}
