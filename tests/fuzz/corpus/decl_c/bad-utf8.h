struct Sí € { char c; };
struct T { int xø; };
