// The accumulate step of pipelined integer lanes (mf_vector_unit with INT_STAGES = 2): lane l of
// nxt = acc + sum in ACCW bits, two's complement, wrapping, sign-extended to its 32-bit slot
// (lane l at [l*32 +: 32]; the low ACCW bits of acc and sum are read). Lanes LANES ..
// ACC_LANES-1 are 0. Combinational. Verilog-2005.
module mf_vu_acc_int #(
  parameter ACCW = 32,
  parameter LANES = 8,
  parameter ACC_LANES = 8
) (
  input  [ACC_LANES*32-1:0] acc,
  input  [ACC_LANES*32-1:0] sum,
  output [ACC_LANES*32-1:0] nxt
);
  localparam G = 64;   // lanes in groups of G, as mf_vu_format (Verilator's generate loop limit)
  genvar g, l;
  generate
    for (g = 0; g < (ACC_LANES + G - 1) / G; g = g + 1) begin : grp
      for (l = 0; l < G; l = l + 1) begin : lane
        localparam integer LI = g * G + l;
        if (LI < LANES) begin : on
          wire [ACCW-1:0] s = acc[LI*32 +: ACCW] + sum[LI*32 +: ACCW];
          if (ACCW < 32) begin : ext
            wire unused_hi = ^{acc[LI*32+ACCW +: 32-ACCW], sum[LI*32+ACCW +: 32-ACCW]};
            assign nxt[LI*32 +: 32] = {{(32-ACCW){s[ACCW-1]}}, s};
          end else begin : full
            assign nxt[LI*32 +: 32] = s;
          end
        end else if (LI < ACC_LANES) begin : off
          wire unused_lane = ^{acc[LI*32 +: 32], sum[LI*32 +: 32]};
          assign nxt[LI*32 +: 32] = 0;
        end
      end
    end
  endgenerate
endmodule
