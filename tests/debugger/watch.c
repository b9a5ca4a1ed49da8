/*
 * watch.c - the program gdb_watch_test.py runs under `align --watch m`.
 *
 * A message goes out four times, with `phase` saying which: 1, write() of
 * the value with zeroed padding (must not stop); 2, write() of the value
 * after garbage went into its padding (must stop); 3, fwrite() of a copy
 * of it inside a bigger buffer (must stop: the copy's non-zero padding
 * leaks as well); 4, send() on a socket of a copy whose padding was
 * cleaned (must not stop).  The garbage's places are printed from offsetof.
 */
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

struct msg {
    char kind;
    long id;
    short port;
};

struct msg m;
int phase;

void watch_here(void);
void watch_here(void) {}

#define END_OF(type, f) (offsetof(type, f) + sizeof(((type *)0)->f))

int main(void)
{
    char packet[64];
    int sv[2];
    FILE *null = fopen("/dev/null", "w");
    int fd = fileno(null);

    if (null == NULL || socketpair(AF_UNIX, SOCK_DGRAM, 0, sv) != 0)
        return 2;
    memset(&m, 0, sizeof m);
    m.kind = 'k';
    m.id = 42;
    m.port = 80;
    printf("garbage m %zu 3\nsizeof msg %zu\n", END_OF(struct msg, kind), sizeof m);
    fflush(stdout);
    watch_here();
    phase = 1;
    if (write(fd, &m, sizeof m) < 0)
        return 2;
    memset((char *)&m + END_OF(struct msg, kind), 0x5a, 3);
    phase = 2;
    if (write(fd, &m, sizeof m) < 0)
        return 2;
    memset(packet, 0, sizeof packet);
    memcpy(packet + 8, &m, sizeof m);
    phase = 3;
    fwrite(packet, 1, sizeof packet, null);
    memset((char *)&m + END_OF(struct msg, kind), 0, 3);
    memcpy(packet + 16, &m, sizeof m);
    memset(packet + 8, 0, 8);
    phase = 4;
    if (send(sv[0], packet + 16, sizeof m, 0) < 0)
        return 2;
    phase = 5;
    fclose(null);
    return 0;
}
