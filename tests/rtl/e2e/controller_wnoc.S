# Controller tile (0, 0) of the end-to-end MLP test with weights over the NoC: x (24 int8) is
# preloaded at AMEM 0..23 and W's three 8 x 8 slices at AMEM 256, 320, 384 (one 8-byte row per
# AMEM word). Send each worker its W slice (8 flits), then its slice of x (1 flit); receive the
# three sets of partial sums (in any order), add them and store y (8 int32) at AMEM byte 192.
    .section .text
    .globl _start
_start:
    li a0, 256
    li t3, (0 << 24) | (1 << 16) | 8      # W slice to (x 1, y 0), 8 flits
    .insn r CUSTOM_1, 0, 0, x0, a0, t3    # send
    li a0, 0
    li t3, (0 << 24) | (1 << 16) | 1      # x slice to (1, 0), 1 flit
    .insn r CUSTOM_1, 0, 0, x0, a0, t3
    li a0, 320
    li t3, (1 << 24) | (0 << 16) | 8      # to (0, 1)
    .insn r CUSTOM_1, 0, 0, x0, a0, t3
    li a0, 8
    li t3, (1 << 24) | (0 << 16) | 1
    .insn r CUSTOM_1, 0, 0, x0, a0, t3
    li a0, 384
    li t3, (1 << 24) | (1 << 16) | 8      # to (1, 1)
    .insn r CUSTOM_1, 0, 0, x0, a0, t3
    li a0, 16
    li t3, (1 << 24) | (1 << 16) | 1
    .insn r CUSTOM_1, 0, 0, x0, a0, t3
    li a0, 64
    .insn r CUSTOM_1, 1, 0, a1, a0, x0    # recv into 64
    li a0, 96
    .insn r CUSTOM_1, 1, 0, a1, a0, x0    # recv into 96
    li a0, 128
    .insn r CUSTOM_1, 1, 0, a1, a0, x0    # recv into 128
    li t0, 0                              # byte offset of lane l
    li t2, 32
1:
    lw t4, 64(t0)
    lw t5, 96(t0)
    lw t6, 128(t0)
    add t4, t4, t5
    add t4, t4, t6
    sw t4, 192(t0)
    addi t0, t0, 4
    bne t0, t2, 1b
    ebreak
