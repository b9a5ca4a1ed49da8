/* libFuzzer entry point; FUZZ_TARGET names the target (see targets.h).
 * Built by `make fuzz` with clang -fsanitize=fuzzer,address,undefined. */
#include "targets.h"

#define CAT_(a, b) a##b
#define CAT(a, b) CAT_(a, b)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    return CAT(fuzz_, FUZZ_TARGET)(data, size);
}
