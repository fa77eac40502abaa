# Worker tile of the end-to-end MLP test: receive an 8-element int8 slice of x, multiply it by the
# tile's 8 x 8 slice of W (4 vmac steps of 2 rows), store the 8 int32 partial sums and send them
# (4 flits of 64 bits) to the controller at (0, 0). Built with -DWEIGHTS_OVER_NOC, it first
# receives its slice of W (8 rows, one AMEM word each) at AMEM 256 and loads it into WMEM with wld
# (4 words of 2 rows); otherwise the testbench preloads WMEM.
    .section .text
    .globl _start
_start:
    li s0, 0                              # x slice: AMEM byte 0
    li s1, 64                             # partial sums: AMEM byte 64
#ifdef WEIGHTS_OVER_NOC
    li s2, 256                            # W slice: AMEM byte 256
    .insn r CUSTOM_1, 1, 0, a1, s2, x0    # recv a1, s2 (W)
    li t0, 0                              # WMEM word
    mv t1, s2                             # its 2 rows in AMEM
    li t2, 4
2:
    .insn r CUSTOM_0, 4, 0, x0, t0, t1    # wld t0, t1
    addi t0, t0, 1
    addi t1, t1, 16
    addi t2, t2, -1
    bnez t2, 2b
#endif
    .insn r CUSTOM_1, 1, 0, a1, s0, x0    # recv a1, s0 (x)
    .insn r CUSTOM_0, 2, 0, x0, x0, x0    # vclr
    li t0, 0                              # WMEM word (one MAC step: 2 rows of W)
    li t1, 0                              # x address of the step's 2 elements
    li t2, 4                              # steps
1:
    .insn r CUSTOM_0, 0, 4, x0, t0, t1    # vmac.int8 t0, t1
    addi t0, t0, 1
    addi t1, t1, 2
    addi t2, t2, -1
    bnez t2, 1b
    .insn r CUSTOM_0, 3, 0, x0, s1, x0    # vst s1
    li t3, 4                              # to (0, 0), 4 flits
    .insn r CUSTOM_1, 0, 0, x0, s1, t3    # send s1, t3
    ebreak
