typedef float v8sf __attribute__((vector_size(32)));
typedef int v2si __attribute__((vector_size(8)));
struct V {
    char c;
    v8sf v;
    char d;
    v2si w;
    short __attribute__((vector_size(4))) s;
    _Alignas(16) v8sf x;
    int *p __attribute__((vector_size(16)));
};
