/* Faults (built with -DKIND=n, run with +expect_fault): the core must stop at the faulting
 * instruction with `fault` and `halted` set, doing nothing of it (tb_core.v fails on a
 * misaligned data request). tohost is set to pass before the fault; reaching the instruction
 * after it overwrites tohost with a failure. */
#include "test.h"
TEST_BEGIN
    LA_ABS(s0, data)
    li a0, 0x5555
    li t6, TOHOST
    li t5, 1
    sw t5, 0(t6)                        /* pass, if nothing after the fault runs */
    li t5, (KIND << 1) | 1
#if KIND == 1
    lw a0, 2(s0)                        /* misaligned word load */
#elif KIND == 2
    lh a0, 1(s0)                        /* misaligned halfword load */
#elif KIND == 3
    sw a0, 1(s0)                        /* misaligned word store */
#elif KIND == 4
    sh a0, 3(s0)                        /* misaligned halfword store */
#elif KIND == 5
    csrr a0, mcycle                     /* Zicsr: not RV32I */
#elif KIND == 6
    .word 0                             /* all-zero word: illegal */
#elif KIND == 7
    LA_ABS(a1, 1f)
    jalr ra, 2(a1)                      /* target not a multiple of 4 */
1:  nop
#elif KIND == 8
    .insn r OP, 0, 1, a0, a0, a0        /* mul (M extension): funct7 1 is reserved in RV32I */
#elif KIND == 9
    .insn i LOAD, 6, a0, 0(s0)          /* lwu is RV64 only */
#elif KIND == 10
    mret
#elif KIND == 11
    beq a0, a0, . + 6                   /* taken branch to pc + 6 */
    nop
    nop
#elif KIND == 12
    jal ra, . + 10                      /* jal to pc + 10 */
    nop
    nop
    nop
#elif KIND == 13
    sw t5, 0(t6)                        /* fail, unless the next store runs */
    beq a0, zero, . + 6                 /* not taken: no fault (only a taken target faults) */
    li a1, 1
    sw a1, 0(t6)                        /* pass */
    lhu a0, 3(s0)                       /* then a misaligned lhu */
#else
#error "KIND"
#endif
    sw t5, 0(t6)                        /* not reached */
    ebreak
    .data
    .balign 4
data:
    .word 0x01234567, 0x89abcdef
