/* All RV32I register-register and register-immediate operations, LUI and AUIPC. */
#include "test.h"
TEST_BEGIN
    /* add / sub: wrap-around, signs */
    TEST_RR(1,  add, 0x00000003, 1, 2)
    TEST_RR(2,  add, 0x00000000, 0xffffffff, 1)
    TEST_RR(3,  add, 0x80000000, 0x7fffffff, 1)
    TEST_RR(4,  add, 0xfffffffe, 0xffffffff, 0xffffffff)
    TEST_RR(5,  sub, 0xffffffff, 1, 2)
    TEST_RR(6,  sub, 0x7fffffff, 0x80000000, 1)
    TEST_RR(7,  sub, 0x00000000, 0x12345678, 0x12345678)
    TEST_RR(8,  sub, 0x80000000, 0, 0x80000000)
    /* logic */
    TEST_RR(10, and, 0x0f000f00, 0xff00ff00, 0x0f0f0f0f)
    TEST_RR(11, or,  0xff0fff0f, 0xff00ff00, 0x0f0f0f0f)
    TEST_RR(12, xor, 0xf00ff00f, 0xff00ff00, 0x0f0f0f0f)
    /* slt / sltu: signedness */
    TEST_RR(20, slt,  1, 0xffffffff, 1)          /* -1 < 1 */
    TEST_RR(21, sltu, 0, 0xffffffff, 1)          /* 0xffffffff > 1 */
    TEST_RR(22, slt,  0, 1, 0xffffffff)
    TEST_RR(23, sltu, 1, 1, 0xffffffff)
    TEST_RR(24, slt,  0, 5, 5)
    TEST_RR(25, sltu, 0, 5, 5)
    TEST_RR(26, slt,  1, 0x80000000, 0x7fffffff) /* most negative < most positive */
    TEST_RR(27, sltu, 0, 0x80000000, 0x7fffffff)
    TEST_RR(28, slt,  1, 0xfffffffe, 0xffffffff) /* -2 < -1 */
    TEST_RR(29, sltu, 1, 0, 1)
    TEST_RR(30, slt,  0, 0x7fffffff, 0x80000000) /* overflowing difference */
    /* shifts by register: 0, 1, 31, and only the low 5 bits of rs2 count */
    TEST_RR(40, sll, 0x81234567, 0x81234567, 0)
    TEST_RR(41, sll, 0x02468ace, 0x81234567, 1)
    TEST_RR(42, sll, 0x80000000, 0x81234567, 31)
    TEST_RR(43, sll, 0x02468ace, 0x81234567, 33)
    TEST_RR(44, srl, 0x81234567, 0x81234567, 0)
    TEST_RR(45, srl, 0x4091a2b3, 0x81234567, 1)
    TEST_RR(46, srl, 0x00000001, 0x81234567, 31)
    TEST_RR(47, srl, 0x00000001, 0x81234567, 0xffffffff)
    TEST_RR(48, sra, 0x81234567, 0x81234567, 0)
    TEST_RR(49, sra, 0xc091a2b3, 0x81234567, 1)
    TEST_RR(50, sra, 0xffffffff, 0x81234567, 31)
    TEST_RR(51, sra, 0x00000000, 0x71234567, 31)
    TEST_RR(52, sra, 0x0091a2b3, 0x01234567, 1)
    TEST_RR(53, sra, 0xfffc091a, 0x81234567, 0xffffffed)  /* 13 */
    TEST_RR(54, sll, 0x00000001, 0x00000001, 0xffffffe0)  /* 32 -> 0 */
    /* immediates: sign extension of the 12 bits */
    TEST_RI(60, addi,  0x00000800, 0x00000001, 2047)
    TEST_RI(61, addi,  0xfffff801, 0x00000001, -2048)
    TEST_RI(62, addi,  0x00000000, 0xffffffff, 1)
    TEST_RI(63, addi,  0x80000000, 0x7fffffff, 1)
    TEST_RI(64, andi,  0x12345670, 0x12345678, -16)      /* 0xff0 -> 0xfffffff0 */
    TEST_RI(65, andi,  0x00000078, 0x12345678, 0x0ff)
    TEST_RI(66, ori,   0xfffff801, 0x00000001, -2048)
    TEST_RI(67, ori,   0x123457ff, 0x12345678, 0x7ff)
    TEST_RI(68, xori,  0xedcba987, 0x12345678, -1)       /* not */
    TEST_RI(69, xori,  0x12345687, 0x12345678, 0x0ff)
    TEST_RI(70, slti,  1, 0xffffffff, 0)
    TEST_RI(71, slti,  0, 0, -1)
    TEST_RI(72, slti,  1, 0x80000000, -2048)
    TEST_RI(73, sltiu, 1, 0, -1)                          /* imm is 0xffffffff unsigned */
    TEST_RI(74, sltiu, 0, 0xffffffff, -1)
    TEST_RI(75, sltiu, 1, 0xfffffffe, -1)
    TEST_RI(76, sltiu, 1, 0, 1)                           /* seqz */
    TEST_RI(77, sltiu, 0, 7, 1)
    TEST_RI(78, slti,  0, 0x7ff, 0x7ff)
    TEST_RI(80, slli,  0x81234567, 0x81234567, 0)
    TEST_RI(81, slli,  0x80000000, 0x81234567, 31)
    TEST_RI(82, slli,  0x23456700, 0x81234567, 8)
    TEST_RI(83, srli,  0x81234567, 0x81234567, 0)
    TEST_RI(84, srli,  0x00000001, 0x81234567, 31)
    TEST_RI(85, srli,  0x00812345, 0x81234567, 8)
    TEST_RI(86, srai,  0x81234567, 0x81234567, 0)
    TEST_RI(87, srai,  0xffffffff, 0x81234567, 31)
    TEST_RI(88, srai,  0xff812345, 0x81234567, 8)
    TEST_RI(89, srai,  0x00712345, 0x71234567, 8)
    TEST_RI(90, srai,  0x00000000, 0x71234567, 31)
    /* addi with imm bit 10 set is no subtraction (funct7 field = imm[11:5]) */
    TEST_RI(91, addi,  0x00000500, 0x00000100, 0x400)
    /* lui */
    lui a0, 0xfffff
    CHECK(100, a0, 0xfffff000)
    lui a0, 0x80000
    CHECK(101, a0, 0x80000000)
    lui a0, 0x00001
    CHECK(102, a0, 0x00001000)
    lui a0, 0
    CHECK(103, a0, 0)
    /* auipc: against the label's absolute address (lui + addi, no pc involved) */
auipc0:
    auipc a0, 0
    LA_ABS(a1, auipc0)
    CHECK_EQ(110, a0, a1)
auipc1:
    auipc a0, 0x12345
    LA_ABS(a1, auipc1)
    li a2, 0x12345000
    add a1, a1, a2
    CHECK_EQ(111, a0, a1)
auipc2:
    auipc a0, 0xfffff
    LA_ABS(a1, auipc2 - 0x1000)
    CHECK_EQ(112, a0, a1)
    /* the same instruction twice in a row, different pc */
    auipc a0, 1
    auipc a1, 1
    sub a1, a1, a0
    CHECK(113, a1, 4)
TEST_END
