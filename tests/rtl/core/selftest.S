/* Harness self-tests, expected to FAIL (run.cmake checks the FAIL line):
 *   KIND 1: a check that cannot hold (tohost = fail code 3)
 *   KIND 2: no ebreak, an endless loop (the timeout)
 *   KIND 3: ebreak without writing tohost */
#include "test.h"
TEST_BEGIN
#if KIND == 1
    li a0, 41
    addi a0, a0, 1
    CHECK(3, a0, 43)
#elif KIND == 2
1:  j 1b
#elif KIND == 3
    ebreak
#endif
TEST_END
