// The lanes of one format of the vector unit (FMT = tech::MacFormat index: 0 fp32, 1 fp16, 2 bf16,
// 3 fp8 E4M3, 4 int8, 5 int4). L = VLEN / bits(FMT) lanes; lane l takes element l of every row's
// W vector (w[r*VLEN + l*B +: B]), every row's scalar (x[r*32 +: B]) and its accumulator from the
// low ACCW bits of acc[l*32 +: 32] (int4 -> int16, int8 -> int32, fp8 -> fp16, fp16 / bf16 /
// fp32 -> fp32) and returns the updated accumulator in nxt[l*32 +: 32] (integers sign-extended,
// fp16 zero-extended). nxt lanes L .. ACC_LANES-1 are 0. Combinational, except floating-point
// lanes with STAGES > 1 (mf_vu_lane_fp: nxt follows the inputs by STAGES - 1 cycles; integer lanes
// ignore STAGES and clk). Verilog-2005.
module mf_vu_format #(
  parameter FMT = 4,
  parameter VLEN = 64,
  parameter ROWS = 1,
  parameter ACC_LANES = 8,
  parameter STAGES = 1
) (
  input                    clk,
  input  [ROWS*VLEN-1:0]   w,
  input  [ROWS*32-1:0]     x,
  input  [ACC_LANES*32-1:0] acc,
  output [ACC_LANES*32-1:0] nxt
);
  localparam B    = (FMT == 0) ? 32 : (FMT == 1 || FMT == 2) ? 16 : (FMT == 5) ? 4 : 8;
  localparam L    = VLEN / B;
  localparam INT  = (FMT >= 4);
  localparam ACCW = (FMT == 5 || FMT == 3) ? 16 : 32;
  // floating point: operand and accumulator exponent / fraction widths
  localparam EI = (FMT == 1) ? 5 : (FMT == 3) ? 4 : 8;
  localparam MI = (FMT == 0) ? 23 : (FMT == 1) ? 10 : (FMT == 2) ? 7 : 3;
  localparam EC = (FMT == 3) ? 5 : 8;
  localparam MC = (FMT == 3) ? 10 : 23;

  // every row's scalar, in the format's width
  wire [ROWS*B-1:0] xs;
  localparam G = 64;
  genvar r, l, g;
  generate
    if (INT || STAGES == 1) begin : comb
      wire unused_clk = clk;
    end
    for (r = 0; r < ROWS; r = r + 1) begin : xrow
      assign xs[r*B +: B] = x[r*32 +: B];
      if (B < 32) begin : hi
        wire unused_x = ^x[r*32+B +: 32-B];   // scalar slot bits above the format's width
      end
    end

    // lanes in groups of G (generate loops of at most G and ACC_LANES / G iterations: Verilator
    // refuses to unroll a single generate loop of more than ~4k iterations); lane l = grp[l / G].
    // lane[l % G]; lanes L .. ACC_LANES-1 (that other formats have) are 0
    for (g = 0; g < (ACC_LANES + G - 1) / G; g = g + 1) begin : grp
      for (l = 0; l < G; l = l + 1) begin : lane
        localparam integer LI = g * G + l;
        if (LI < L) begin : on
          wire [ROWS*B-1:0] col;             // element LI of every row
          wire [ACCW-1:0]   s;
          for (r = 0; r < ROWS; r = r + 1) begin : gather
            assign col[r*B +: B] = w[r*VLEN + LI*B +: B];
          end
          if (INT) begin : i
            mf_vu_lane_int #(.ROWS(ROWS), .W(B), .ACCW(ACCW)) u (
              .w(col), .x(xs), .acc(acc[LI*32 +: ACCW]), .s(s));
          end else begin : f
            mf_vu_lane_fp #(.ROWS(ROWS), .EI(EI), .MI(MI), .EC(EC), .MC(MC), .STAGES(STAGES)) u (
              .clk(clk), .w(col), .x(xs), .acc(acc[LI*32 +: ACCW]), .s(s));
          end
          if (ACCW < 32) begin : ext
            wire unused_acc = ^acc[LI*32+ACCW +: 32-ACCW];   // not this format's accumulator bits
            assign nxt[LI*32 +: 32] = {{(32-ACCW){INT ? s[ACCW-1] : 1'b0}}, s};
          end else begin : full
            assign nxt[LI*32 +: 32] = s;
          end
        end else if (LI < ACC_LANES) begin : off
          wire unused_lane = ^acc[LI*32 +: 32];
          assign nxt[LI*32 +: 32] = 0;
        end
      end
    end
  endgenerate
endmodule
