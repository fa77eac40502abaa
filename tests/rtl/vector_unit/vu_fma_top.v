// Test wrapper: mf_fma in the four (operand, accumulator) format pairs of the vector unit's
// floating-point lanes, for vu_fma_tb.cpp (the FMA alone, with any accumulator bit pattern).
module vu_fma_top (
  input  [31:0] a0, b0, c0,   // fp32 x fp32 + fp32
  output [31:0] r0,
  input  [15:0] a1, b1,       // fp16 x fp16 + fp32
  input  [31:0] c1,
  output [31:0] r1,
  input  [15:0] a2, b2,       // bf16 x bf16 + fp32
  input  [31:0] c2,
  output [31:0] r2,
  input  [7:0]  a3, b3,       // E4M3 x E4M3 + fp16
  input  [15:0] c3,
  output [15:0] r3
);
  mf_fma #(.EI(8), .MI(23), .EC(8), .MC(23)) u0 (.a(a0), .b(b0), .c(c0), .r(r0));
  mf_fma #(.EI(5), .MI(10), .EC(8), .MC(23)) u1 (.a(a1), .b(b1), .c(c1), .r(r1));
  mf_fma #(.EI(8), .MI(7),  .EC(8), .MC(23)) u2 (.a(a2), .b(b2), .c(c2), .r(r2));
  mf_fma #(.EI(4), .MI(3),  .EC(5), .MC(10)) u3 (.a(a3), .b(b3), .c(c3), .r(r3));
endmodule
