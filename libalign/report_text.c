/* report_text.c (being written). */
#include "internal.h"
