// The reduction adders of one floating-point format of the vector unit (mf_vector_unit with
// FP_STAGES > 1 combines its partial accumulators with them): lane l of s = a + b in the format's
// accumulation type (FMT 3 (fp8) -> fp16, else fp32; the low ACCW bits of each 32-bit slot, fp16
// zero-extended), one RNE rounding, the FMA's rules (mf_fma_pipe with the multiplier's operand the
// constant 1.0: s = fma(1.0, b, a), so DAZ / FTZ / overflow / +0 are the lanes' own). Lanes
// L = VLEN / bits(FMT) .. ACC_LANES-1 are 0. STAGES (1 .. 4) is the adder's pipeline depth: s follows
// a and b by STAGES - 1 cycles (cuts spread over mf_fma_pipe's four phases as mf_vu_lane_fp spreads
// them). Verilog-2005.
module mf_vu_sum_fp #(
  parameter FMT = 1,
  parameter VLEN = 64,
  parameter ACC_LANES = 4,
  parameter STAGES = 1
) (
  input                     clk,
  input  [ACC_LANES*32-1:0] a,
  input  [ACC_LANES*32-1:0] b,
  output [ACC_LANES*32-1:0] s
);
  localparam B    = (FMT == 0) ? 32 : (FMT == 1 || FMT == 2) ? 16 : 8;
  localparam L    = VLEN / B;
  localparam EC   = (FMT == 3) ? 5 : 8;
  localparam MC   = (FMT == 3) ? 10 : 23;
  localparam ACCW = 1 + EC + MC;
  localparam [ACCW-1:0] ONE = {2'b00, {(EC-1){1'b1}}, {MC{1'b0}}};   // 1.0: exponent = bias
  localparam [2:0] CUTS = {(3 * STAGES / 4) != (2 * STAGES / 4), (2 * STAGES / 4) != (1 * STAGES / 4),
                           (1 * STAGES / 4) != 0};
  localparam G = 64;   // lanes in groups of G, as mf_vu_format (Verilator's generate loop limit)
  genvar g, l;
  generate
    if (CUTS == 3'b000) begin : comb
      wire unused_clk = clk;
    end
    for (g = 0; g < (ACC_LANES + G - 1) / G; g = g + 1) begin : grp
      for (l = 0; l < G; l = l + 1) begin : lane
        localparam integer LI = g * G + l;
        if (LI < L) begin : on
          wire [ACCW-1:0] r;
          mf_fma_pipe #(.EI(EC), .MI(MC), .EC(EC), .MC(MC), .CUTS(CUTS)) add (
            .clk(clk), .a(ONE), .b(b[LI*32 +: ACCW]), .c(a[LI*32 +: ACCW]), .r(r));
          if (ACCW < 32) begin : ext
            wire unused_hi = ^{a[LI*32+ACCW +: 32-ACCW], b[LI*32+ACCW +: 32-ACCW]};
            assign s[LI*32 +: 32] = {{(32-ACCW){1'b0}}, r};
          end else begin : full
            assign s[LI*32 +: 32] = r;
          end
        end else if (LI < ACC_LANES) begin : off
          wire unused_lane = ^{a[LI*32 +: 32], b[LI*32 +: 32]};
          assign s[LI*32 +: 32] = 0;
        end
      end
    end
    if (STAGES < 1 || STAGES > 4) begin : bad
      mf_vu_sum_fp_STAGES_must_be_1_to_4 stop ();   // elaboration fails here
    end
  endgenerate
endmodule
