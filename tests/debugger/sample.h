/*
 * sample.h - the types of sample.c, the C program the debugger tests stop
 * in.  The tests also compile the suggested order that `align` prints
 * against these types (with NO_STRUCT_SAMPLE defined) to check that the
 * reported optimal size is what GCC makes of it.
 */
#ifndef SAMPLE_H
#define SAMPLE_H

struct inner {
    long x;
    char y;
};

struct __attribute__((packed)) wire {
    char tag;
    int value;
    short port;
};

union number {
    int i;
    double d;
    char bytes[3];
};

enum color { RED, GREEN, BLUE };

typedef unsigned long counter_t;

#ifndef NO_STRUCT_SAMPLE
struct sample {
    char c;
    long l;
    unsigned a : 3, b : 5;
    int : 4;
    unsigned d : 7;
    struct inner in;
    struct wire w;
    char z;
    double wide __attribute__((aligned(32)));
    union number num;
    enum color col;
    counter_t hits;
    const char *name;
    char last;
    short flex[];
};
#endif

#endif
