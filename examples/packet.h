/* A network packet header as first written, and its arm64 layout. */
#include <stdint.h>

struct packet {
    uint8_t version;
    uint64_t timestamp;
    uint16_t length;
    uint32_t flags : 3;
    uint32_t priority : 5;
    void *payload;
    uint8_t checksum;
};
