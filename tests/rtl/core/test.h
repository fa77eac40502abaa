/* Macros of the mf_core assembly tests (riscv-tests style). x30 (t5) holds the number of the
 * check being run, x31 (t6) is the macros' scratch register: tests leave both alone.
 * A check that fails jumps to `fail`, which writes (n << 1) | 1 to tohost; reaching the end
 * writes 1. Both end with ebreak; tb_core.v watches tohost. */
#define TOHOST 0x80000000
#define PRINT  0x80000008

#define TEST_BEGIN          \
    .text;                  \
    .globl _start;          \
_start:

/* Check n: register r holds v. */
#define CHECK(n, r, v)      \
    li t5, n;               \
    li t6, v;               \
    bne r, t6, fail

/* Check n: rd = op rs1-value rs2-value (R-type), operands in a1 / a2, result in a0. */
#define TEST_RR(n, op, v, x, y) \
    li a1, x;               \
    li a2, y;               \
    op a0, a1, a2;          \
    CHECK(n, a0, v)

/* Check n: rd = op rs1-value imm (I-type), operand in a1, result in a0. */
#define TEST_RI(n, op, v, x, i) \
    li a1, x;               \
    op a0, a1, i;           \
    CHECK(n, a0, v)

/* r = the absolute address of sym, without auipc (lui + addi). */
#define LA_ABS(r, sym)      \
    lui r, %hi(sym);        \
    addi r, r, %lo(sym)

/* Check n: registers r and s are equal. */
#define CHECK_EQ(n, r, s)   \
    li t5, n;               \
    bne r, s, fail

#define TEST_END            \
pass:                       \
    li t6, TOHOST;          \
    li t5, 1;               \
    sw t5, 0(t6);           \
    ebreak;                 \
1:  j 1b;                   \
fail:                       \
    li t6, TOHOST;          \
    slli t5, t5, 1;         \
    ori t5, t5, 1;          \
    sw t5, 0(t6);           \
    ebreak;                 \
2:  j 2b
