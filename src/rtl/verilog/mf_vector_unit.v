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
// ops still issue back to back. One-stage floating-point lanes wait: at 2 their operands wait one
// cycle and they compute in the last stage, so every format has one latency.
//
// FP_STAGES (1 .. 8, at most 4 * ROWS): 1 is the chain above, in one cycle. S > 1 pipelines the
// floating-point lanes. Their chain starts at the accumulator, a loop no register can cut without
// making consecutive MACs wait, so each lane keeps S interleaved partial accumulators instead: fp
// MAC t since the last clear (op 1, CLEAR, an integer or undeclared-format op) runs its chain from
// partial t mod S and writes it back S cycles later; ops issue back to back. The chain is cut at
// mf_fma_pipe's phase boundaries, S - 1 registers spread evenly over its 4 * ROWS phases
// (mf_vu_lane_fp). op 3 in a declared fp format reduces: sum = p0; sum = sum + p_k for
// k = 1 .. S-1 (one rounding each, mf_vu_sum_fp: RS cycles an addition), then acc = p0 = sum, the
// others 0; it shows in acc_out with out_valid REDUCE_LATENCY cycles after it, and ops presented
// until then are dropped. All formats then share LATENCY = 1 + max(INT_STAGES, FP_STAGES) (the
// integer operands wait). docs/rtl.md gives the contract.
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
//     which is acc_out. Undeclared formats have no lanes at all (area follows FORMATS). With
//     FP_STAGES = S > 1 this is stage 1 + AS; the fp chains run from stage 2 to it (and the
//     partial accumulators and the reduction sit beside acc, block part_acc).
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
// has its result in acc_out, with out_valid = 1, in cycle c + LATENCY (a reduction: c +
// REDUCE_LATENCY); acc_out holds it until the next op's result. One op per cycle, back to back
// (the accumulator loop is one cycle, or S cycles for S partial accumulators).
// Verilog-2005 (non-ANSI port list: acc_out's width is the localparam ACC_LANES).
module mf_vector_unit (clk, rst, in_valid, in_op, in_fmt, in_w, in_x, out_valid, acc_out);
  parameter VLEN = 64;
  parameter ROWS = 1;
  parameter FORMATS = 6'b010000;
  parameter INT_STAGES = 1;
  parameter FP_STAGES = 1;
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

  localparam HAS_FP = (FORMATS[3:0] != 4'b0000);
  localparam HAS_INT = (FORMATS[5:4] != 2'b00);
  localparam PIPE_FP = HAS_FP && FP_STAGES > 1;      // interleaved partial accumulators
  // stages after the input register: every format's result is written in the last one
  localparam AS = (PIPE_FP && FP_STAGES > INT_STAGES) ? FP_STAGES : INT_STAGES;
  // the reduction adders' pipeline depth: an adder is about one FMA, a chain stage 4 * ROWS /
  // FP_STAGES of its four phases
  localparam RS_C = (FP_STAGES + ROWS - 1) / ROWS;
  localparam RS = (RS_C > 4) ? 4 : RS_C;
  /* verilator lint_off UNUSEDPARAM */
  localparam LATENCY = 1 + AS;  // cycles from in_valid to out_valid (input register + lanes)
  // op 3 in a floating-point format with FP_STAGES > 1: the partial accumulators' reduction
  localparam REDUCE_LATENCY = LATENCY + (PIPE_FP ? (FP_STAGES - 1) * RS : 0);
  /* verilator lint_on UNUSEDPARAM */
  localparam AW = ACC_LANES * 32;
  localparam FPL = FORMATS[3] ? VLEN / 8 : (FORMATS[2] | FORMATS[1]) ? VLEN / 16 : VLEN / 32;
  localparam FAW = FPL * 32;                          // the floating-point lanes' accumulator bits
  localparam [7:0] FP_FMT = {4'b0000, FORMATS[3:0]};  // in_fmt codes of declared fp formats

  // stage 1: operand register. With FP_STAGES > 1 an op presented during a reduction (busy) is
  // dropped: no result, no out_valid.
  wire                busy;
  wire                accept = in_valid & ~busy;
  reg                 v_r;
  reg [1:0]           op_r;
  reg [2:0]           fmt_r;
  reg [ROWS*VLEN-1:0] w_r;
  reg [ROWS*32-1:0]   x_r;
  always @(posedge clk) begin
    if (rst) v_r <= 1'b0;
    else     v_r <= accept;
    if (accept) begin
      op_r  <= in_op;
      fmt_r <= in_fmt;
      w_r   <= in_w;
      x_r   <= in_x;
    end
  end

  // control to the accumulate stage (stage 1 + AS), and to the integer product-sum stage one
  // earlier (INT_STAGES = 2)
  wire       v_a, v_s;
  wire [1:0] op_a;
  wire [2:0] fmt_a, fmt_s;
  mf_vu_delay #(.W(5), .N(AS - 1)) ctl_a (
    .clk(clk), .rst(rst), .v(v_r), .d({op_r, fmt_r}), .vq(v_a), .q({op_a, fmt_a}));
  // operands: integer lanes read them AS - INT_STAGES cycles after stage 1, one-stage floating-point
  // lanes at the accumulate stage, pipelined ones at once (their chain is the AS stages)
  localparam K_INT = HAS_INT ? AS - INT_STAGES : 0;
  localparam K_FP  = (HAS_FP && !PIPE_FP) ? AS - 1 : 0;
  wire [ROWS*VLEN-1:0] w_i, w_f;
  wire [ROWS*32-1:0]   x_i, x_f;
  wire unused_vq;
  mf_vu_delay #(.W(ROWS*(VLEN+32)), .N(K_INT)) opd_i (
    .clk(clk), .rst(rst), .v(v_r), .d({w_r, x_r}), .vq(unused_vq), .q({w_i, x_i}));
  wire unused_vq_f;
  mf_vu_delay #(.W(ROWS*(VLEN+32)), .N(K_FP)) opd_f (
    .clk(clk), .rst(rst), .v(v_r), .d({w_r, x_r}), .vq(unused_vq_f), .q({w_f, x_f}));
  wire unused_op_s;
  wire [1:0] op_s;
  mf_vu_delay #(.W(5), .N(AS - INT_STAGES)) ctl_s (
    .clk(clk), .rst(rst), .v(v_r), .d({op_r, fmt_r}), .vq(v_s), .q({op_s, fmt_s}));
  assign unused_op_s = ^op_s;

  reg  [AW-1:0] acc;
  wire [AW-1:0] acc_in = (op_a == 2'd1) ? 0 : acc;   // MAC from zero
  wire [AW-1:0] cand [0:5];
  wire [FAW-1:0] fp_c;      // pipelined fp lanes: the partial accumulator an op starts from
  wire [FAW-1:0] sum_fp [0:3];   // pipelined fp lanes: the reduction adders' outputs
  wire [2:0]     dfmt;           // the format being reduced
  wire [FAW-1:0] sum_a, sum_b;   // the reduction adders' operands
  genvar f;
  generate
    if (!HAS_FP) begin : nofp
      wire unused_fp = ^{w_f, x_f};
    end
    if (!HAS_INT) begin : noint
      wire unused_int = ^{w_i, x_i, v_s, fmt_s};
    end else if (INT_STAGES == 1) begin : int1
      wire unused_s = ^{v_s, fmt_s};
    end
    for (f = 0; f < 6; f = f + 1) begin : fmt
      if (FORMATS[f] && f >= 4 && INT_STAGES == 2) begin : piped
        wire [AW-1:0] sum;     // the ROWS products of each lane, without the accumulator
        reg  [AW-1:0] sum_p;
        mf_vu_format #(.FMT(f), .VLEN(VLEN), .ROWS(ROWS), .ACC_LANES(ACC_LANES)) u (
          .clk(clk), .w(w_i), .x(x_i), .acc({AW{1'b0}}), .nxt(sum));
        always @(posedge clk) if (v_s && fmt_s == f) sum_p <= sum;
        wire [AW-1:0] nxt;
        mf_vu_acc_int #(.ACCW(f == 5 ? 16 : 32), .LANES(VLEN / (f == 5 ? 4 : 8)), .ACC_LANES(ACC_LANES)) a (
          .acc(acc_in), .sum(sum_p), .nxt(nxt));
        assign cand[f] = nxt & {AW{fmt_a == f}};
      end else if (FORMATS[f] && f < 4 && PIPE_FP) begin : pp
        // the chain from the partial accumulator, cut into FP_STAGES stages (the last is the
        // partial accumulator register), and this format's reduction adders
        wire [FAW-1:0] nxt;
        mf_vu_format #(.FMT(f), .VLEN(VLEN), .ROWS(ROWS), .ACC_LANES(FPL), .STAGES(FP_STAGES)) u (
          .clk(clk), .w(w_r), .x(x_r), .acc(fp_c), .nxt(nxt));
        if (AW > FAW) begin : ext
          assign cand[f] = {{(AW-FAW){1'b0}}, nxt & {FAW{fmt_a == f}}};
        end else begin : same
          assign cand[f] = nxt & {FAW{fmt_a == f}};
        end
        wire [FAW-1:0] s;
        mf_vu_sum_fp #(.FMT(f), .VLEN(VLEN), .ACC_LANES(FPL), .STAGES(RS)) add (
          .clk(clk), .a(sum_a), .b(sum_b), .s(s));
        assign sum_fp[f] = s & {FAW{dfmt == f}};
      end else if (FORMATS[f]) begin : on
        wire [AW-1:0] nxt;
        mf_vu_format #(.FMT(f), .VLEN(VLEN), .ROWS(ROWS), .ACC_LANES(ACC_LANES)) u (
          .clk(clk), .w(f >= 4 ? w_i : w_f), .x(f >= 4 ? x_i : x_f), .acc(acc_in), .nxt(nxt));
        assign cand[f] = nxt & {AW{fmt_a == f}};
      end else begin : off
        assign cand[f] = 0;
      end
      if (f < 4 && !(FORMATS[f] && PIPE_FP)) begin : nosum
        assign sum_fp[f] = 0;
      end
    end
    if (INT_STAGES != 1 && INT_STAGES != 2) begin : bad
      mf_vector_unit_INT_STAGES_must_be_1_or_2 stop ();   // elaboration fails here
    end
    if (FP_STAGES < 1 || FP_STAGES > 8 || FP_STAGES > 4 * ROWS) begin : bad_fp
      mf_vector_unit_FP_STAGES_must_be_1_to_8_and_at_most_4_ROWS stop ();
    end
  endgenerate
  wire [AW-1:0] acc_nxt = (op_a == 2'd2) ? 0 :
                          (cand[0] | cand[1] | cand[2] | cand[3] | cand[4] | cand[5]);
  wire [FAW-1:0] sum_out = sum_fp[0] | sum_fp[1] | sum_fp[2] | sum_fp[3];

  // Partial accumulators (FP_STAGES > 1, docs/rtl.md): fp op t since the last MAC-from-zero / CLEAR /
  // reduction accumulates into part[t mod FP_STAGES]; its chain reads the partial in stage 2 and
  // writes it FP_STAGES - 1 cycles later, so consecutive ops never wait. An in-flight op cannot see
  // a clear that has not retired yet, so slot occupancy (live) is tracked in stage-2 order and an op
  // reads 0 from a slot not written since the last clear. op 3 in a declared fp format reduces:
  // sum = part[0]; for k = 1 .. FP_STAGES-1: sum = sum + part[k] (one rounding each), RS cycles a
  // step; then acc = part[0] = sum, the other partials 0.
  wire drain_start, drain_done;
  generate
    if (PIPE_FP) begin : part_acc
      localparam SB = $clog2(FP_STAGES);
      localparam LAST_I = FP_STAGES - 1;
      localparam [SB-1:0] LAST = LAST_I[SB-1:0];
      wire unused_opf = ^{w_f, x_f};   // the one-stage lanes' operand tap
      if (!HAS_INT) begin : fp_only
        wire unused_acc_in = ^acc_in;
      end
      reg  [FP_STAGES*FAW-1:0] part;
      reg  [SB-1:0]            n;          // the next op's slot (stage-2 order)
      reg  [FP_STAGES-1:0]     live;       // slots written since the last clear (stage-2 order)
      wire fp_r = FP_FMT[fmt_r];
      wire [SB-1:0] slot_r = (op_r == 2'd1) ? {SB{1'b0}} : n;
      wire [SB-1:0] n_inc = (n == LAST) ? {SB{1'b0}} : n + 1'b1;
      assign fp_c = (op_r != 2'd1 && live[slot_r]) ? part[slot_r*FAW +: FAW] : {FAW{1'b0}};
      always @(posedge clk) begin
        if (rst) begin
          n <= 0;
          live <= 0;
        end else if (v_r) begin
          if (fp_r && op_r == 2'd0) begin
            live[n] <= 1'b1;
            n <= n_inc;
          end else if (fp_r && op_r == 2'd1) begin
            live <= 1;
            n <= 1;
          end else if (fp_r && op_r == 2'd3) begin   // after the reduction: the sum in slot 0
            live <= 1;
            n <= 0;
          end else if (op_r != 2'd3) begin          // CLEAR, integer, undeclared: all clear
            live <= 0;
            n <= 0;
          end
        end
      end
      wire [SB-1:0] slot_a;
      wire unused_vq_slot;
      mf_vu_delay #(.W(SB), .N(AS - 1)) slot_d (
        .clk(clk), .rst(rst), .v(v_r), .d(slot_r), .vq(unused_vq_slot), .q(slot_a));
      wire fp_a = FP_FMT[fmt_a];
      wire [FAW-1:0] fp_nxt = acc_nxt[FAW-1:0];
      assign drain_start = v_a && op_a == 2'd3 && fp_a;

      // the reduction
      localparam RB = (RS > 1) ? $clog2(RS) : 1;
      localparam RLAST_I = RS - 1;
      localparam [RB-1:0] RLAST = RLAST_I[RB-1:0];
      reg            draining, busy_r;
      reg [SB-1:0]   dk;          // the partial being added
      reg [RB-1:0]   dph;         // cycle of the current addition
      reg [FAW-1:0]  dsum;
      reg [2:0]      dfmt_r;
      assign drain_done = draining && dph == RLAST && dk == LAST;
      assign sum_a = dsum;
      assign sum_b = part[dk*FAW +: FAW];
      assign dfmt = dfmt_r;
      assign busy = busy_r;
      integer k;
      always @(posedge clk) begin
        if (rst) begin
          part <= 0;
          draining <= 1'b0;
          busy_r <= 1'b0;
        end else begin
          if (accept && in_op == 2'd3 && FP_FMT[in_fmt]) busy_r <= 1'b1;
          if (drain_done) busy_r <= 1'b0;
          if (drain_start) begin
            draining <= 1'b1;
            dsum <= part[0 +: FAW];
            dk <= 1;
            dph <= 0;
            dfmt_r <= fmt_a;
          end else if (draining) begin
            if (dph == RLAST) begin
              dph <= 0;
              dsum <= sum_out;
              dk <= dk + 1'b1;
              if (dk == LAST) draining <= 1'b0;
            end else begin
              dph <= dph + 1'b1;
            end
          end
          if (drain_done) begin
            part <= 0;
            part[0 +: FAW] <= sum_out;
          end else if (v_a) begin
            if (fp_a && op_a == 2'd0) begin
              part[slot_a*FAW +: FAW] <= fp_nxt;
            end else if (fp_a && op_a == 2'd1) begin
              part <= 0;
              part[0 +: FAW] <= fp_nxt;
            end else if (op_a != 2'd3 && !drain_start) begin
              for (k = 0; k < FP_STAGES; k = k + 1) part[k*FAW +: FAW] <= 0;
            end
          end
        end
      end
      if (AW > FAW) begin : hi
        wire unused_hi = ^acc_nxt[AW-1:FAW];
      end
    end else begin : no_part
      assign busy = 1'b0;
      assign fp_c = 0;
      assign drain_start = 1'b0;
      assign drain_done = 1'b0;
      assign sum_a = 0;
      assign sum_b = 0;
      assign dfmt = 0;
      wire unused_sum = ^{sum_out, fp_c, dfmt, sum_a, sum_b};
    end
  endgenerate

  always @(posedge clk) begin
    if (rst) begin
      acc       <= 0;
      out_valid <= 1'b0;
    end else begin
      out_valid <= (v_a && !drain_start) || drain_done;
      if (v_a && op_a != 2'd3) acc <= acc_nxt;
      if (drain_done) acc <= {{(AW-FAW){1'b0}}, sum_out};
    end
  end
  assign acc_out = acc;
endmodule
