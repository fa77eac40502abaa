// One floating-point lane of the vector unit: a chain of ROWS fused multiply-adds down the rows
// (a systolic column),
//   p = acc; for r = 0 .. ROWS-1: p = fma(w[r], x[r], p)      (mf_fma_pipe: one RNE rounding per step)
//   s = p.
// STAGES = 1: combinational (the whole column in one cycle; clk unused). STAGES = S > 1: the chain's
// 4 * ROWS phases (mf_fma_pipe's four per row) are cut by S - 1 registers spread evenly, a register
// after phase j (0 .. 4*ROWS-2) where floor((j+1) * S / (4*ROWS)) > floor(j * S / (4*ROWS)), so s
// follows acc and row 0's operands by S - 1 cycles; row r's w and x are delayed by the cuts before
// its FMA, floor(r * S / ROWS) cycles. Needs S <= 4 * ROWS. The caller registers s (the S-th stage).
// Pipeline registers are free-running: the caller tracks which cycle holds a real op.
// w, x: ROWS operands of sign | EI exponent | MI fraction bits (row r at [r*IW +: IW]);
// acc, s: sign | EC exponent | MC fraction bits. Verilog-2005.
module mf_vu_lane_fp #(
  parameter ROWS = 1,
  parameter EI = 8,
  parameter MI = 23,
  parameter EC = 8,
  parameter MC = 23,
  parameter STAGES = 1
) (
  input                       clk,
  input  [ROWS*(1+EI+MI)-1:0] w,
  input  [ROWS*(1+EI+MI)-1:0] x,
  input  [EC+MC:0]            acc,
  output [EC+MC:0]            s
);
  localparam IW = 1 + EI + MI;
  localparam CW = 1 + EC + MC;
  localparam T  = 4 * ROWS;       // phases of the chain

  wire [CW-1:0] p [0:ROWS];
  assign p[0] = acc;
  genvar r;
  generate
    for (r = 0; r < ROWS; r = r + 1) begin : row
      // cuts inside this row's FMA (after its phases 0, 1, 2) and after it (phase 3)
      localparam [2:0] CUTS = {((4*r+3) * STAGES / T) != ((4*r+2) * STAGES / T),
                               ((4*r+2) * STAGES / T) != ((4*r+1) * STAGES / T),
                               ((4*r+1) * STAGES / T) != ((4*r)   * STAGES / T)};
      localparam integer AFTER = ((r < ROWS - 1) && (((4*r+4) * STAGES / T) != ((4*r+3) * STAGES / T))) ? 1 : 0;
      localparam integer DELAY = r * STAGES / ROWS;
      wire [IW-1:0] wd, xd;
      wire [CW-1:0] q;
      mf_pipe_reg #(.W(2*IW), .N(DELAY)) ops (.clk(clk), .d({w[r*IW +: IW], x[r*IW +: IW]}), .q({wd, xd}));
      mf_fma_pipe #(.EI(EI), .MI(MI), .EC(EC), .MC(MC), .CUTS(CUTS)) fma (
        .clk(clk), .a(wd), .b(xd), .c(p[r]), .r(q));
      mf_pipe_reg #(.W(CW), .N(AFTER)) out (.clk(clk), .d(q), .q(p[r+1]));
    end
    if (STAGES < 1 || STAGES > T) begin : bad
      mf_vu_lane_fp_STAGES_must_be_1_to_4_ROWS stop ();   // elaboration fails here
    end
  endgenerate
  assign s = p[ROWS];
endmodule
