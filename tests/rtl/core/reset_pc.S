/* RESET_PC: run on the simulator built with -Ptb_core.RESET_PC=0x200. Execution must begin at
 * 0x200; the code at 0 (where it would begin with RESET_PC = 0) reports a failure. */
#include "test.h"
TEST_BEGIN
    li t5, 1
    j fail
    .org 0x200
start:
    auipc a0, 0
    CHECK(2, a0, 0x200)
TEST_END
