/* Start-up of the C tests: stack at the top of memory, .bss cleared, main(); main's return
 * value goes to tohost (0 -> 1 = pass, n -> (n << 1) | 1 = fail n), then ebreak. */
    .section .text.start, "ax"
    .globl _start
_start:
    la sp, __stack_top
    la t0, __bss_start
    la t1, __bss_end
1:  bgeu t0, t1, 2f
    sw zero, 0(t0)
    addi t0, t0, 4
    j 1b
2:  call main
    li t0, 0x80000000
    bnez a0, 3f
    li a0, 1
    sw a0, 0(t0)
    ebreak
3:  slli a0, a0, 1
    ori a0, a0, 1
    sw a0, 0(t0)
    ebreak
4:  j 4b
