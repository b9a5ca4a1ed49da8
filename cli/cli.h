#ifndef STRUCTALIGN_CLI_H
#define STRUCTALIGN_CLI_H
#include "libalign.h"
int cmd_calc(int argc, char **argv);
#endif
