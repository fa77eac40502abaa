# Controller tile (0, 0) of the end-to-end MLP test: x (24 int8) is preloaded at AMEM 0..23. Send
# one 8-element slice to each worker, receive the three sets of partial sums (in any order), add
# them with the scalar core and store y (8 int32) at AMEM byte 192. Built with -DWEIGHTS_OVER_NOC,
# W's three 8 x 8 slices are preloaded too, at AMEM 256, 320, 384 (one 8-byte row per AMEM word),
# and each worker gets its W slice (8 flits) before its x slice.
    .section .text
    .globl _start
#ifdef WEIGHTS_OVER_NOC
#define SEND_W(addr, dst) li a0, addr; li t3, (dst) | 8; .insn r CUSTOM_1, 0, 0, x0, a0, t3
#else
#define SEND_W(addr, dst)
#endif
#define SEND_X(addr, dst) li a0, addr; li t3, (dst) | 1; .insn r CUSTOM_1, 0, 0, x0, a0, t3
_start:
    SEND_W(256, (0 << 24) | (1 << 16))    # to (x 1, y 0)
    SEND_X(0, (0 << 24) | (1 << 16))
    SEND_W(320, (1 << 24) | (0 << 16))    # to (0, 1)
    SEND_X(8, (1 << 24) | (0 << 16))
    SEND_W(384, (1 << 24) | (1 << 16))    # to (1, 1)
    SEND_X(16, (1 << 24) | (1 << 16))
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
