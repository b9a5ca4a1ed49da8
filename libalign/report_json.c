/* report_json.c (being written). */
#include "internal.h"
