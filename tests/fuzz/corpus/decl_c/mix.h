#define N (4 * sizeof(int))
typedef unsigned long size_t;
struct s {
    char a;
    int b : 3, : 0, c : 5;
    long long d[N];
    union {
        short u;
        double v;
    } w;
    struct s *next;
    _Alignas(16) char x;
    void (*fn)(int, ...);
    char flex[];
} __attribute__((packed));
#pragma pack(push, 2)
typedef struct {
    char a;
    int b;
} P;
#pragma pack(pop)
enum e { A = 1, B = A << 3 };
struct t {
    enum e e;
    P p[2];
    _Bool b;
    unsigned int z : 31;
};
