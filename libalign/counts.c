/* counts.c - instance counts (being written). */
#include "internal.h"
