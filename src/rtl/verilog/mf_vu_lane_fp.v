// One floating-point lane of the vector unit: a chain of ROWS fused multiply-adds down the rows
// (a systolic column evaluated in one cycle),
//   p = acc; for r = 0 .. ROWS-1: p = fma(w[r], x[r], p)      (mf_fma: one RNE rounding per step)
//   s = p.
// w, x: ROWS operands of sign | EI exponent | MI fraction bits (row r at [r*IW +: IW]);
// acc, s: sign | EC exponent | MC fraction bits. Combinational. Verilog-2005.
module mf_vu_lane_fp #(
  parameter ROWS = 1,
  parameter EI = 8,
  parameter MI = 23,
  parameter EC = 8,
  parameter MC = 23
) (
  input  [ROWS*(1+EI+MI)-1:0] w,
  input  [ROWS*(1+EI+MI)-1:0] x,
  input  [EC+MC:0]            acc,
  output [EC+MC:0]            s
);
  localparam IW = 1 + EI + MI;
  localparam CW = 1 + EC + MC;

  wire [CW-1:0] p [0:ROWS];
  assign p[0] = acc;
  genvar r;
  generate
    for (r = 0; r < ROWS; r = r + 1) begin : row
      mf_fma #(.EI(EI), .MI(MI), .EC(EC), .MC(MC)) fma (
        .a(w[r*IW +: IW]), .b(x[r*IW +: IW]), .c(p[r]), .r(p[r+1]));
    end
  endgenerate
  assign s = p[ROWS];
endmodule
