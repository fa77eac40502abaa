// mf_vector_unit: the tile's vector / tensor MAC unit (docs/rtl.md, section mf_vector_unit).
//
// Parameters: VLEN (bits, a power of two >= 64), ROWS (>= 1), FORMATS (6-bit mask of declared
// formats, bit i = tech::MacFormat i: 0 fp32, 1 fp16, 2 bf16, 3 fp8 E4M3, 4 int8, 5 int4; at least
// one bit set). Format f has lanes(f) = VLEN / bits(f) lanes; ACC_LANES = max over the declared
// formats of lanes(f).
//
// Ops (in_op): 0 MAC acc[l] += sum_r w[r][l] * x[r]; 1 MAC from zero (acc[l] = 0 first);
// 2 CLEAR (acc[l] = 0); 3 reserved: no change (out_valid still pulses).
// Integers wrap in the accumulator width (int4 -> int16, int8 -> int32); floating point is the
// chain p = acc[l]; for r = 0 .. ROWS-1: p = fma(w[r][l], x[r], p) with one RNE rounding per
// step, FTZ/DAZ, overflow to the Inf encoding, no NaN/Inf semantics (mf_fma).
//
// INT_STAGES (1 or 2): pipeline stages of the integer lanes after the input register, as the cost
// model prices them at the design's clock (ppa: a lane clocked faster than its one-stage path is
// cut). 2 registers each integer lane's product sum (the ROWS products added, without the
// accumulator) and adds the accumulator in the next cycle: the accumulator loop is one adder, so
// ops still issue back to back. Floating-point lanes are not cut (their chain starts at the
// accumulator, a loop no register can split without changing the rounding order): at 2 their
// operands wait one cycle and they compute in the last stage, so every format has one latency.
//
// Structure:
//   * stage 1 (input register): in_valid / in_op / in_fmt / in_w / in_x are registered (the data
//     only when in_valid);
//   * with INT_STAGES = 2, a product-sum stage: each integer format's lanes with a zero
//     accumulator (mf_vu_format), registered, and op / fmt / valid (and the floating-point
//     operands) carried along;
//   * stage 2 (accumulate): one datapath per declared format (mf_vu_format: lanes(f) lanes, each
//     an mf_vu_lane_int adder tree over the ROWS products or an mf_vu_lane_fp chain of ROWS
//     mf_fma), all reading the registered operands and the shared accumulator register; the
//     selected format's result is AND-OR muxed into the accumulator register acc[ACC_LANES*32],
//     which is acc_out. Undeclared formats have no lanes at all (area follows FORMATS).
//   * Accumulators are shared between formats: lane l is one 32-bit register holding the
//     accumulator of the format of the last op, in acc_out's encoding (integers sign-extended,
//     fp16 accumulators in the low 16 bits, upper 16 bits 0). An op in format f writes lanes
//     0 .. lanes(f)-1 and sets lanes lanes(f) .. ACC_LANES-1 to 0. A MAC (op 0) reads the low
//     accumulator-width bits of the lane (a MAC after an op in another format reinterprets those
//     bits; use op 1 or CLEAR to switch formats). An op with an undeclared in_fmt (or 6, 7)
//     sets every lane to 0.
//   * rst (synchronous) clears the accumulators and the valids.
//
// Timing: an op presented with in_valid in cycle c (sampled at the clock edge ending cycle c)
// has its result in acc_out, with out_valid = 1, in cycle c + LATENCY; acc_out holds it until the
// next op's result. One op per cycle, back to back (the accumulator loop is one cycle).
// Verilog-2005 (non-ANSI port list: acc_out's width is the localparam ACC_LANES).
module mf_vector_unit (clk, rst, in_valid, in_op, in_fmt, in_w, in_x, out_valid, acc_out);
  parameter VLEN = 64;
  parameter ROWS = 1;
  parameter FORMATS = 6'b010000;
  parameter INT_STAGES = 1;
  localparam ACC_LANES = FORMATS[5] ? VLEN / 4 :
                         (FORMATS[4] | FORMATS[3]) ? VLEN / 8 :
                         (FORMATS[2] | FORMATS[1]) ? VLEN / 16 : VLEN / 32;

  input                       clk;
  input                       rst;
  input                       in_valid;
  input  [1:0]                in_op;
  input  [2:0]                in_fmt;
  input  [ROWS*VLEN-1:0]      in_w;
  input  [ROWS*32-1:0]        in_x;
  output reg                  out_valid;
  output [ACC_LANES*32-1:0]   acc_out;

  /* verilator lint_off UNUSEDPARAM */
  localparam LATENCY = 1 + INT_STAGES;  // cycles from in_valid to out_valid (input register + lanes)
  /* verilator lint_on UNUSEDPARAM */
  localparam HAS_FP = (FORMATS[3:0] != 4'b0000);
  localparam AW = ACC_LANES * 32;

  // stage 1: operand register
  reg                 v_r;
  reg [1:0]           op_r;
  reg [2:0]           fmt_r;
  reg [ROWS*VLEN-1:0] w_r;
  reg [ROWS*32-1:0]   x_r;
  always @(posedge clk) begin
    if (rst) v_r <= 1'b0;
    else     v_r <= in_valid;
    if (in_valid) begin
      op_r  <= in_op;
      fmt_r <= in_fmt;
      w_r   <= in_w;
      x_r   <= in_x;
    end
  end

  // accumulate stage: per-format datapaths on the shared accumulators. With INT_STAGES = 2 it
  // reads the product-sum stage's registers (op_a, fmt_a, ...); with 1 the input register's.
  reg  [AW-1:0] acc;
  wire          v_a;
  wire [1:0]    op_a;
  wire [2:0]    fmt_a;
  wire [AW-1:0] acc_in = (op_a == 2'd1) ? 0 : acc;   // MAC from zero
  wire [AW-1:0] cand [0:5];
  wire [ROWS*VLEN-1:0] w_a;   // the operands the accumulate stage's floating-point lanes read
  wire [ROWS*32-1:0]   x_a;
  genvar f;
  generate
    if (INT_STAGES == 1) begin : one
      assign v_a = v_r;
      assign op_a = op_r;
      assign fmt_a = fmt_r;
      assign w_a = w_r;
      assign x_a = x_r;
    end else begin : two
      // product-sum stage
      reg       v_p;
      reg [1:0] op_p;
      reg [2:0] fmt_p;
      always @(posedge clk) begin
        if (rst) v_p <= 1'b0;
        else     v_p <= v_r;
        if (v_r) begin
          op_p  <= op_r;
          fmt_p <= fmt_r;
        end
      end
      assign v_a = v_p;
      assign op_a = op_p;
      assign fmt_a = fmt_p;
      reg [ROWS*VLEN-1:0] w_p;   // floating-point operands, one cycle later (constant 0 without fp)
      reg [ROWS*32-1:0]   x_p;
      always @(posedge clk) if (v_r) begin
        w_p <= HAS_FP ? w_r : 0;
        x_p <= HAS_FP ? x_r : 0;
      end
      assign w_a = w_p;
      assign x_a = x_p;
    end
    if (!HAS_FP) begin : nofp
      wire unused_fp = ^{w_a, x_a};
    end
    for (f = 0; f < 6; f = f + 1) begin : fmt
      if (FORMATS[f] && f >= 4 && INT_STAGES == 2) begin : piped
        wire [AW-1:0] sum;     // the ROWS products of each lane, without the accumulator
        reg  [AW-1:0] sum_p;
        mf_vu_format #(.FMT(f), .VLEN(VLEN), .ROWS(ROWS), .ACC_LANES(ACC_LANES)) u (
          .w(w_r), .x(x_r), .acc({AW{1'b0}}), .nxt(sum));
        always @(posedge clk) if (v_r && fmt_r == f) sum_p <= sum;
        wire [AW-1:0] nxt;
        mf_vu_acc_int #(.ACCW(f == 5 ? 16 : 32), .LANES(VLEN / (f == 5 ? 4 : 8)), .ACC_LANES(ACC_LANES)) a (
          .acc(acc_in), .sum(sum_p), .nxt(nxt));
        assign cand[f] = nxt & {AW{fmt_a == f}};
      end else if (FORMATS[f]) begin : on
        wire [AW-1:0] nxt;
        mf_vu_format #(.FMT(f), .VLEN(VLEN), .ROWS(ROWS), .ACC_LANES(ACC_LANES)) u (
          .w(w_a), .x(x_a), .acc(acc_in), .nxt(nxt));
        assign cand[f] = nxt & {AW{fmt_a == f}};
      end else begin : off
        assign cand[f] = 0;
      end
    end
    if (INT_STAGES != 1 && INT_STAGES != 2) begin : bad
      mf_vector_unit_INT_STAGES_must_be_1_or_2 stop ();   // elaboration fails here
    end
  endgenerate
  wire [AW-1:0] acc_nxt = (op_a == 2'd2) ? 0 :
                          (cand[0] | cand[1] | cand[2] | cand[3] | cand[4] | cand[5]);

  always @(posedge clk) begin
    if (rst) begin
      acc       <= 0;
      out_valid <= 1'b0;
    end else begin
      out_valid <= v_a;
      if (v_a && op_a != 2'd3) acc <= acc_nxt;
    end
  end
  assign acc_out = acc;
endmodule
