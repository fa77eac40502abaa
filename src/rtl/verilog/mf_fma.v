// Combinational fused multiply-add r = a * b + c with a single rounding.
//   a, b: sign | EI exponent bits | MI fraction bits (IEEE-style, bias 2^(EI-1)-1)
//   c, r: sign | EC exponent bits | MC fraction bits (the accumulator format)
// Datapath: (MI+1)x(MI+1) significand multiplier, exponent add, swap so the operand with the larger
// exponent is not shifted, alignment right-shift of the other with a sticky bit, add/subtract in an
// N-bit window, negate if negative, leading-zero count, normalising left shift, round to nearest
// even, exponent adjust.
// Simplifications (documented in bench/synth/results.md and docs/rtl.md, mf_vector_unit):
//   * denormal inputs (exponent 0) are zeros, whatever their fraction bits (a, b and c); results below the smallest normal flush to a signed
//     zero (FTZ/DAZ);
//   * no Inf/NaN handling: an all-ones exponent is an ordinary exponent on input; a result
//     exponent that overflows becomes the Inf encoding (all-ones exponent, zero fraction);
//   * an exact zero sum is +0.
// Used by mf_vu_lane_fp (the vector unit's floating-point lanes) and by bench/synth (mac_fp.v).
// The datapath is mf_fma_pipe's without pipeline registers (one description, cut or not).
// Verilog-2005.
module mf_fma #(parameter EI = 8, parameter MI = 23, parameter EC = 8, parameter MC = 23) (
  input  [EI+MI:0] a,
  input  [EI+MI:0] b,
  input  [EC+MC:0] c,
  output [EC+MC:0] r
);
  mf_fma_pipe #(.EI(EI), .MI(MI), .EC(EC), .MC(MC), .CUTS(3'b000)) u (.clk(1'b0), .a(a), .b(b), .c(c), .r(r));
endmodule
