// mf_tile: one Tensor Compute Core (TCC) of the mesh: an RV32I core (mf_core) that sequences a
// vector/tensor unit (mf_vector_unit) through custom-0/custom-1 instructions, a network interface
// (mf_ni) to its router's local port, and its memories (mf_sram / mf_rom wrappers):
//   IMEM  IMEM_WORDS x 32 bits             the program (IMEM_INIT)
//   WMEM  WMEM_WORDS x ROWS*VLEN bits      weights: one word = one MAC step's W rows (SRAM or ROM)
//   AMEM  AMEM_WORDS x VLEN bits           activations, accumulators, packets; the core's data memory
//
// Coprocessor instructions (docs/rtl.md, "Tile coprocessor instructions"), decoded here:
//   custom-0 f3=0 vmac  rs1 = {steps - 1 [31:20], WMEM word [19:0]}, rs2 = AMEM byte address of x (ROWS
//                       elements per step), funct7[2:0] = format: `steps` MAC steps over consecutive
//                       WMEM words and x elements (a stream: the sequencer steps the addresses)
//   custom-0 f3=1 vmacz the same, the first step accumulating from zero
//   custom-0 f3=2 vclr
//   custom-0 f3=3 vst   rs1 = AMEM byte address (VLEN-aligned): the format's lanes x 32 bits
//   custom-0 f3=4 wld   rs1 = WMEM word, rs2 = AMEM byte address (VLEN-aligned) of its ROWS rows, one
//                       AMEM word each: loads weights that arrived over the NoC (recv) into WMEM
//   custom-1 f3=0 send  rs1 = AMEM byte address (VLEN-aligned), rs2 = {dst_y, dst_x, flits[15:0]}
//   custom-1 f3=1 recv  rs1 = AMEM byte address (VLEN-aligned); rd = {src_y, src_x, flits[15:0]}
//   custom-1 f3=2 whoami rd = {16'b0, my_y, my_x}
//   custom-1 f3=3 rxring rs1 = AMEM byte address of a ring of slots (VLEN-aligned), rs2 = slot bytes:
//                       from now on the receive engine takes every arriving packet by itself, the
//                       core never waits for it (recv must not be used then). Packet i goes to slot
//                       i: its body from the slot's second AMEM word, then its header word
//                       {src_y, src_x, flits} into the slot's first word (written last, so a
//                       non-zero header means the whole packet is there). A tile that sends while
//                       packets arrive can then never block the network: no exchange deadlocks.
// Cycle costs (what the cost model's issue and local-memory terms should see): vmac gathers its ROWS
// x elements one per cycle (plus one AMEM read per VLEN word they span) and returns once the op is
// issued, so MACs overlap the next gather; when a step's ROWS elements lie in one AMEM word they are
// gathered in one cycle, so a stream's later steps take 2 cycles (+ 2 when their x starts in a new
// AMEM word; ROWS + 1 when it straddles two); vst waits for the vector unit's latency, then writes
// one AMEM word per cycle (with pipelined floating-point lanes, FP_STAGES > 1, and a floating-point
// format, vst first issues op 3, the reduction of the partial accumulators, and waits for it:
// REDUCE_LATENCY cycles, docs/rtl.md); send / recv move one flit per cycle when the network allows; wld takes
// two cycles per row (an AMEM read, then the row's slice of the WMEM word written). A ROM WMEM
// (or none) ignores wld: its contents come from WMEM_INIT.
// FETCH_WIDTH is recorded for the cost model; the core issues one instruction per cycle.
module mf_tile #(
  parameter VLEN = 512,
  parameter ROWS = 1,
  parameter [5:0] FORMATS = 6'b000010,  // bit i = tech::MacFormat i: fp32 fp16 bf16 fp8 int8 int4
  parameter INT_STAGES = 1,             // pipeline stages of the integer MAC lanes (1 or 2)
  parameter FP_STAGES = 1,              // pipeline stages of the floating-point MAC lanes (1 .. 8)
  /* verilator lint_off UNUSEDPARAM */
  parameter FETCH_WIDTH = 1,            // recorded for the cost model: the core issues one per cycle
  /* verilator lint_on UNUSEDPARAM */
  parameter IMEM_WORDS = 4096,
  parameter WMEM_WORDS = 1024,          // 0 = no weight memory (vmac multiplies by zero weights)
  parameter AMEM_WORDS = 4096,
  parameter WEIGHT_ROM = 0,
  parameter IMEM_INIT = "",
  parameter WMEM_INIT = "",
  parameter LINK_BITS = 128,
  parameter VCS = 2,
  parameter DEPTH = 4,
  parameter VCB = (VCS > 1) ? $clog2(VCS) : 1  // derived: do not override
) (
  input wire clk,
  input wire rst,
  input wire [7:0] my_x,
  input wire [7:0] my_y,
  // tile -> router (local port)
  output wire out_valid,
  output wire out_head,
  output wire out_tail,
  output wire [VCB-1:0] out_vc,
  output wire [LINK_BITS-1:0] out_data,
  input wire [VCS-1:0] out_credit,
  // router -> tile
  input wire in_valid,
  input wire in_head,
  input wire in_tail,
  input wire [VCB-1:0] in_vc,
  input wire [LINK_BITS-1:0] in_data,
  output wire [VCS-1:0] in_credit,
  output wire halted,                // the core executed ebreak (or faulted)
  output wire fault                  // illegal instruction or misaligned access (mf_core)
);
  localparam WBITS = ROWS * VLEN;
  localparam VBYTES = VLEN / 8;
  localparam VOFF = $clog2(VBYTES);                 // byte-offset bits inside an AMEM word
  localparam IAW = (IMEM_WORDS > 1) ? $clog2(IMEM_WORDS) : 1;
  localparam AAW = (AMEM_WORDS > 1) ? $clog2(AMEM_WORDS) : 1;
  localparam WAW = (WMEM_WORDS > 1) ? $clog2(WMEM_WORDS) : 1;
  localparam MIN_BITS = FORMATS[5] ? 4 : (FORMATS[4] | FORMATS[3]) ? 8 : (FORMATS[2] | FORMATS[1]) ? 16 : 32;
  localparam ACC_LANES = VLEN / MIN_BITS;
  localparam RB = (ROWS > 1) ? $clog2(ROWS) : 1;
  localparam OB = $clog2(VLEN);                     // bit-offset bits inside an AMEM word
  // Flits per AMEM word (LINK_BITS <= VLEN) or AMEM words per flit (LINK_BITS > VLEN).
  localparam NARROW = (LINK_BITS <= VLEN) ? 1 : 0;
  localparam PER = NARROW ? VLEN / LINK_BITS : LINK_BITS / VLEN;
  localparam PB = (PER > 1) ? $clog2(PER) : 1;
  localparam FB = NARROW ? VLEN : LINK_BITS;        // flit buffer (a wide flit's words) and word buffer

  // ---------------------------------------------------------------- core and IMEM
  wire [31:0] imem_addr, imem_rdata;
  wire dmem_req, dmem_we;
  wire [3:0] dmem_be;
  wire [31:0] dmem_addr, dmem_wdata;
  wire [31:0] dmem_rdata;
  wire dmem_ready;
  wire cop_valid;
  wire [31:0] cop_insn, cop_rs1, cop_rs2;
  reg cop_ready;
  reg [31:0] cop_rd;

  mf_core core (
    .clk(clk), .rst(rst),
    .imem_addr(imem_addr), .imem_rdata(imem_rdata),
    .dmem_req(dmem_req), .dmem_we(dmem_we), .dmem_be(dmem_be), .dmem_addr(dmem_addr),
    .dmem_wdata(dmem_wdata), .dmem_rdata(dmem_rdata), .dmem_ready(dmem_ready),
    .cop_valid(cop_valid), .cop_insn(cop_insn), .cop_rs1(cop_rs1), .cop_rs2(cop_rs2),
    .cop_ready(cop_ready), .cop_rd(cop_rd),
    .halted(halted), .fault(fault));

  mf_sram #(.WORDS(IMEM_WORDS), .BITS(32), .INIT(IMEM_INIT)) imem (
    .clk(clk), .en(1'b1), .we(1'b0), .addr(imem_addr[IAW+1:2]), .wdata(32'd0), .wbe(4'd0),
    .rdata(imem_rdata));

  // ---------------------------------------------------------------- AMEM: the sequencer first, then the core
  // The sequencer's AMEM requests are decoded from its state (below), so a read issued in a
  // request state has its data in the next state.
  wire seq_en, seq_we;
  wire [AAW-1:0] seq_addr;
  wire [VLEN-1:0] seq_wdata;
  // The receive engine writes AMEM in the cycles the sequencer leaves free, before the core.
  wire rxe_we;
  wire [AAW-1:0] rxe_addr;
  wire [VLEN-1:0] rxe_wdata;
  wire rxe_go = rxe_we & ~seq_en;
  wire core_go = dmem_req & ~seq_en & ~rxe_we;
  assign dmem_ready = ~seq_en & ~rxe_we;
  wire [VLEN-1:0] amem_rdata;
  wire [VOFF-3:0] core_lane = dmem_addr[VOFF-1:2];
  reg [VOFF-3:0] core_lane_q;
  always @(posedge clk) if (core_go) core_lane_q <= core_lane;
  assign dmem_rdata = amem_rdata[core_lane_q*32 +: 32];

  mf_sram #(.WORDS(AMEM_WORDS), .BITS(VLEN)) amem (
    .clk(clk), .en(seq_en | rxe_go | core_go), .we(seq_en ? seq_we : rxe_go ? 1'b1 : dmem_we),
    .addr(seq_en ? seq_addr : rxe_go ? rxe_addr : dmem_addr[AAW+VOFF-1:VOFF]),
    .wdata(seq_en ? seq_wdata : rxe_go ? rxe_wdata : {(VLEN/32){dmem_wdata}}),
    .wbe((seq_en | rxe_go) ? {VBYTES{1'b1}} : ({{(VBYTES-4){1'b0}}, dmem_be} << (core_lane * 4))),
    .rdata(amem_rdata));

  // ---------------------------------------------------------------- WMEM
  reg wmem_en;
  reg [WAW-1:0] wmem_addr;
  wire [WBITS-1:0] wmem_rdata;
  wire wld_we;                  // wld: write row r of the WMEM word from the AMEM word just read
  wire [WBITS/8-1:0] wld_be;
  generate
    if (WMEM_WORDS == 0) begin : no_wmem
      assign wmem_rdata = 0;
    end else if (WEIGHT_ROM != 0) begin : wmem_rom
      mf_rom #(.WORDS(WMEM_WORDS), .BITS(WBITS), .INIT(WMEM_INIT)) wmem (
        .clk(clk), .en(wmem_en), .addr(wmem_addr), .rdata(wmem_rdata));
    end else begin : wmem_sram
      // Preloaded (WMEM_INIT) or written row by row by wld from AMEM, where recv puts what the NoC
      // brings (from another tile or a DRAM port).
      mf_sram #(.WORDS(WMEM_WORDS), .BITS(WBITS), .INIT(WMEM_INIT)) wmem (
        .clk(clk), .en(wmem_en | wld_we), .we(wld_we), .addr(wmem_addr), .wdata({ROWS{amem_rdata}}), .wbe(wld_be),
        .rdata(wmem_rdata));
    end
  endgenerate

  // ---------------------------------------------------------------- vector unit
  reg vu_valid;
  reg [1:0] vu_op;
  reg [2:0] vu_fmt;
  reg [ROWS*32-1:0] x_reg;
  wire [ACC_LANES*32-1:0] acc_out;
  wire vu_out_valid;
  mf_vector_unit #(.VLEN(VLEN), .ROWS(ROWS), .FORMATS(FORMATS), .INT_STAGES(INT_STAGES), .FP_STAGES(FP_STAGES)) vu (
    .clk(clk), .rst(rst), .in_valid(vu_valid), .in_op(vu_op), .in_fmt(vu_fmt), .in_w(wmem_rdata),
    .in_x(x_reg), .acc_out(acc_out), .out_valid(vu_out_valid));
  // Ops issued whose results are not yet in acc_out (vst waits for zero).
  reg [7:0] vu_pending;
  always @(posedge clk)
    if (rst) vu_pending <= 8'd0;
    else vu_pending <= vu_pending + {7'd0, vu_valid} - {7'd0, vu_out_valid};

  // ---------------------------------------------------------------- network interface
  wire tx_valid, tx_last, tx_ready;
  wire [LINK_BITS-1:0] tx_data;
  reg [7:0] tx_dst_x, tx_dst_y;
  wire rx_valid, rx_head, rx_last, rx_ready;
  wire [LINK_BITS-1:0] rx_data;
  mf_ni #(.LINK_BITS(LINK_BITS), .VCS(VCS), .DEPTH(DEPTH)) ni (
    .clk(clk), .rst(rst), .my_x(my_x), .my_y(my_y),
    .tx_valid(tx_valid), .tx_ready(tx_ready), .tx_data(tx_data), .tx_last(tx_last),
    .tx_dst_x(tx_dst_x), .tx_dst_y(tx_dst_y), .tx_vc({VCB{1'b0}}),
    .rx_valid(rx_valid), .rx_ready(rx_ready), .rx_data(rx_data), .rx_head(rx_head), .rx_last(rx_last),
    .inj_valid(out_valid), .inj_head(out_head), .inj_tail(out_tail), .inj_vc(out_vc), .inj_data(out_data),
    .inj_credit(out_credit),
    .ej_valid(in_valid), .ej_head(in_head), .ej_tail(in_tail), .ej_vc(in_vc), .ej_data(in_data),
    .ej_credit(in_credit));

  // ---------------------------------------------------------------- coprocessor sequencer
  localparam S_IDLE = 4'd0, S_GATHER_REQ = 4'd1, S_GATHER_LOAD = 4'd2, S_GATHER_USE = 4'd3, S_ISSUE = 4'd4,
             S_VST_WAIT = 4'd5, S_VST = 4'd6, S_SEND_REQ = 4'd7, S_SEND_LOAD = 4'd8, S_SEND_OUT = 4'd9,
             S_RECV = 4'd10, S_DONE = 4'd13, S_WLD_REQ = 4'd14,
             S_WLD_WRITE = 4'd15;
  reg [3:0] state;
  wire is_custom1 = cop_insn[5];
  wire [2:0] f3 = cop_insn[14:12];
  wire [2:0] insn_fmt = cop_insn[27:25];
  function [5:0] fmt_bits;  // element bits of MacFormat f
    input [2:0] f;
    case (f)
      3'd0: fmt_bits = 6'd32;
      3'd1, 3'd2: fmt_bits = 6'd16;
      3'd3, 3'd4: fmt_bits = 6'd8;
      default: fmt_bits = 6'd4;
    endcase
  endfunction
  function [3:0] acc_words;  // AMEM words of format f's accumulators: lanes x 32 bits / VLEN
    input [2:0] f;
    case (f)
      3'd0: acc_words = 4'd1;
      3'd1, 3'd2: acc_words = 4'd2;
      3'd3, 3'd4: acc_words = 4'd4;
      default: acc_words = 4'd8;
    endcase
  endfunction

  reg [31:0] bitaddr;          // x gather: bit address of element r in AMEM
  reg [11:0] steps_left;       // vmac stream: steps after this one
  reg same_word;               // the next x element is in the AMEM word held in word_q
  reg [RB:0] r;                // x element being gathered
  reg [VLEN-1:0] word_q;       // the AMEM word being consumed (gather, send)
  reg [FB-1:0] flit_buf;       // a wide flit being assembled (send; unused when NARROW)
  reg [AAW-1:0] word_addr;     // next AMEM word (vst, send, wld)
  reg [3:0] k, k_end;          // vst: accumulator word
  reg [15:0] flits_left;
  reg [PB:0] part;             // flit within a word (narrow) or word within a flit (wide)
  wire part_last = ({{(31-PB){1'b0}}, part} == PER - 1);
  wire r_last = ({{(31-RB){1'b0}}, r} == ROWS - 1);
  wire [5:0] cur_bits = fmt_bits(vu_fmt);
  wire [VLEN-1:0] shifted = word_q[VLEN-1:0] >> bitaddr[OB-1:0];
  wire [31:0] elem_mask = (cur_bits == 6'd32) ? 32'hffff_ffff : ((32'd1 << cur_bits) - 32'd1);
  wire [31:0] next_bitaddr = bitaddr + {26'd0, cur_bits};
  // A step whose ROWS elements all lie in the AMEM word held is gathered in one cycle.
  wire [31:0] step_bits = ROWS * {26'd0, cur_bits};
  wire [31:0] step_bitaddr = bitaddr + step_bits;
  wire all_rows_fit = ({{(32-OB){1'b0}}, bitaddr[OB-1:0]} + step_bits) <= VLEN;
  wire [ROWS*32-1:0] rows_at_once;  // element r of the step at [r*32 +: 32]
  genvar gr;
  generate
    for (gr = 0; gr < ROWS; gr = gr + 1) begin : gather_row
      /* verilator lint_off UNUSEDSIGNAL */
      wire [VLEN-1:0] from_row = shifted >> (gr * cur_bits);  // the low 32 bits are used
      /* verilator lint_on UNUSEDSIGNAL */
      assign rows_at_once[gr*32 +: 32] = from_row[31:0] & elem_mask;
    end
  endgenerate

  assign seq_en = (state == S_GATHER_REQ) || (state == S_SEND_REQ) || (state == S_VST) ||
                  (state == S_WLD_REQ);
  assign wld_we = (state == S_WLD_WRITE);
  wire [WBITS/8-1:0] row_bytes;  // the byte enables of row 0
  assign row_bytes[VBYTES-1:0] = {VBYTES{1'b1}};
  generate
    if (ROWS > 1) begin : upper_rows
      assign row_bytes[WBITS/8-1:VBYTES] = 0;
    end
  endgenerate
  assign wld_be = row_bytes << (r * VBYTES);
  assign seq_we = (state == S_VST);
  assign seq_addr = (state == S_GATHER_REQ) ? bitaddr[AAW+OB-1:OB] : word_addr;
  assign seq_wdata = acc_out[k*VLEN +: VLEN];
  assign tx_valid = (state == S_SEND_OUT);
  generate  // narrow: PER flits of the AMEM word held; wide: the flit assembled from PER words
    if (NARROW) begin : tx_narrow
      assign tx_data = word_q[part*LINK_BITS +: LINK_BITS];
    end else begin : tx_wide
      assign tx_data = flit_buf[LINK_BITS-1:0];
    end
  endgenerate
  assign tx_last = (flits_left == 16'd1);
  wire rxe_ready;  // the receive engine (below) takes every packet: for recv, or all once rxring ran
  assign rx_ready = rxe_ready;

  always @(posedge clk) begin
    if (rst) begin
      state <= S_IDLE;
      cop_ready <= 1'b0;
      wmem_en <= 1'b0;
      vu_valid <= 1'b0;
      vu_fmt <= 3'd0;
    end else begin
      cop_ready <= 1'b0;
      wmem_en <= 1'b0;
      vu_valid <= 1'b0;
      if (vu_valid && vu_op == 2'd1) vu_op <= 2'd0;  // a vmacz stream's later steps accumulate
      case (state)
        S_IDLE:
          if (cop_valid && !cop_ready) begin
            cop_rd <= 32'd0;
            if (!is_custom1) begin
              case (f3)
                3'd0, 3'd1: begin  // vmac / vmacz: read the W word, gather x
                  vu_fmt <= insn_fmt;
                  vu_op <= (f3 == 3'd1) ? 2'd1 : 2'd0;
                  wmem_en <= 1'b1;
                  wmem_addr <= cop_rs1[WAW-1:0];
                  steps_left <= cop_rs1[31:20];
                  bitaddr <= {cop_rs2[28:0], 3'b000};
                  r <= 0;
                  x_reg <= 0;
                  state <= S_GATHER_REQ;
                end
                3'd2: begin  // vclr
                  vu_valid <= 1'b1;
                  vu_op <= 2'd2;
                  state <= S_DONE;
                end
                3'd4: begin  // wld: ROWS AMEM words into one WMEM word
                  wmem_addr <= cop_rs1[WAW-1:0];
                  word_addr <= cop_rs2[AAW+VOFF-1:VOFF];
                  r <= 0;
                  state <= (WMEM_WORDS == 0 || WEIGHT_ROM != 0) ? S_DONE : S_WLD_REQ;
                end
                default: begin  // vst (pipelined fp lanes: reduce the partial accumulators first)
                  if (FP_STAGES > 1 && vu_fmt < 3'd4) begin
                    vu_valid <= 1'b1;
                    vu_op <= 2'd3;
                  end
                  word_addr <= cop_rs1[AAW+VOFF-1:VOFF];
                  k <= 4'd0;
                  k_end <= acc_words(vu_fmt);
                  state <= S_VST_WAIT;
                end
              endcase
            end else begin
              case (f3)
                3'd0: begin  // send
                  tx_dst_x <= cop_rs2[23:16];
                  tx_dst_y <= cop_rs2[31:24];
                  flits_left <= cop_rs2[15:0];
                  word_addr <= cop_rs1[AAW+VOFF-1:VOFF];
                  part <= 0;
                  state <= (cop_rs2[15:0] == 16'd0) ? S_DONE : S_SEND_REQ;
                end
                3'd1: state <= S_RECV;  // recv: the receive engine takes one packet to rs1
                3'd3: state <= S_DONE;  // rxring: the receive engine below takes it
                default: begin  // whoami
                  cop_rd <= {16'd0, my_y, my_x};
                  state <= S_DONE;
                end
              endcase
            end
          end
        // vmac: one AMEM read per VLEN word that x spans, then one element per cycle
        S_GATHER_REQ: begin
          state <= S_GATHER_LOAD;
        end
        S_GATHER_LOAD: begin
          word_q[VLEN-1:0] <= amem_rdata;
          state <= S_GATHER_USE;
        end
        S_GATHER_USE:
          if (r == 0 && all_rows_fit) begin  // the step's ROWS elements in this word: all at once
            x_reg <= rows_at_once;
            bitaddr <= step_bitaddr;
            same_word <= (step_bitaddr[31:OB] == bitaddr[31:OB]);
            state <= S_ISSUE;
          end else begin                     // an element at a time across AMEM words
            x_reg[r*32 +: 32] <= shifted[31:0] & elem_mask;
            bitaddr <= next_bitaddr;
            r <= r + 1'b1;
            same_word <= (next_bitaddr[31:OB] == bitaddr[31:OB]);
            if (r_last) state <= S_ISSUE;
            else if (next_bitaddr[31:OB] != bitaddr[31:OB]) state <= S_GATHER_REQ;
          end
        // One step to the vector unit; a stream reads the next W word in the same cycle (the unit
        // takes this step's W and x at the next edge, when the new word is only being read) and
        // gathers on from the AMEM word it holds when the next x element is in it.
        S_ISSUE: begin
          vu_valid <= 1'b1;
          if (steps_left != 12'd0) begin
            steps_left <= steps_left - 1'b1;
            wmem_en <= 1'b1;
            wmem_addr <= wmem_addr + 1'b1;
            r <= 0;
            state <= same_word ? S_GATHER_USE : S_GATHER_REQ;
          end else begin
            state <= S_DONE;
          end
        end
        // wld: read row r's AMEM word, then write it into its slice of the WMEM word
        S_WLD_REQ: begin
          word_addr <= word_addr + 1'b1;
          state <= S_WLD_WRITE;
        end
        S_WLD_WRITE: begin
          r <= r + 1'b1;
          state <= r_last ? S_DONE : S_WLD_REQ;
        end
        // vst: the format's accumulators, one AMEM word per cycle, once the unit has drained
        S_VST_WAIT:
          if (vu_pending == 8'd0 && !vu_valid) state <= S_VST;
        S_VST: begin
          word_addr <= word_addr + 1'b1;
          k <= k + 1'b1;
          if (k + 1'b1 == k_end) state <= S_DONE;
        end
        // send: AMEM words out as flits (narrow: PER flits per word; wide: PER words per flit)
        S_SEND_REQ: begin
          word_addr <= word_addr + 1'b1;
          state <= S_SEND_LOAD;
        end
        S_SEND_LOAD:
          if (NARROW) begin
            word_q[VLEN-1:0] <= amem_rdata;
            part <= 0;
            state <= S_SEND_OUT;
          end else begin
            flit_buf[part*VLEN +: VLEN] <= amem_rdata;
            part <= part + 1'b1;
            state <= part_last ? S_SEND_OUT : S_SEND_REQ;
          end
        S_SEND_OUT:
          if (tx_ready) begin
            flits_left <= flits_left - 1'b1;
            if (flits_left == 16'd1) state <= S_DONE;
            else if (NARROW && !part_last) part <= part + 1'b1;
            else begin
              part <= 0;
              state <= S_SEND_REQ;
            end
          end
        S_RECV:  // the receive engine has put the packet's body at rs1
          if (e_done) begin
            cop_rd <= {e_src_y, e_src_x, e_flits};
            state <= S_DONE;
          end
        default: begin  // S_DONE
          cop_ready <= 1'b1;
          state <= S_IDLE;
        end
      endcase
    end
  end

  // ---------------------------------------------------------------- receive engine (recv, rxring)
  // The one path from the NI into AMEM. recv arms it for one packet, its body at rs1 (the sequencer
  // waits in S_RECV for e_done). rxring turns it on for good: packets go into a ring of AMEM slots
  // while the core and the sequencer do anything else (a send included), body words from the slot's
  // second word, the header word last.
  localparam E_HEAD = 2'd0, E_BODY = 2'd1, E_WRITE = 2'd2, E_HDR = 2'd3;
  reg rxe_on;                  // rxring ran: every packet, into the ring
  reg e_once;                  // recv: one packet
  reg e_done;                  // recv's packet is in (one cycle)
  reg [1:0] e_state;
  reg [AAW-1:0] e_slot, e_slot_words, e_addr;
  reg [FB-1:0] e_q;            // the AMEM word (narrow) or the wide flit being written
  reg [PB:0] e_part;
  reg [15:0] e_flits;
  reg [7:0] e_src_x, e_src_y;
  reg e_last;
  wire e_part_last = ({{(31-PB){1'b0}}, e_part} == PER - 1);
  wire cop_custom1_new = state == S_IDLE && cop_valid && !cop_ready && is_custom1 && !rxe_on;
  assign rxe_ready = (rxe_on || e_once) && ((e_state == E_HEAD) || (e_state == E_BODY));
  assign rxe_we = (e_state == E_WRITE) || (e_state == E_HDR && rxe_on);  // recv writes no header
  assign rxe_addr = (e_state == E_HDR) ? e_slot : e_addr;
  assign rxe_wdata = (e_state == E_HDR) ? {{(VLEN-32){1'b0}}, e_src_y, e_src_x, e_flits}
                   : NARROW ? e_q[VLEN-1:0] : e_q[e_part*VLEN +: VLEN];
  always @(posedge clk) begin
    e_done <= 1'b0;
    if (rst) begin
      rxe_on <= 1'b0;
      e_once <= 1'b0;
      e_state <= E_HEAD;
    end else if (cop_custom1_new && f3 == 3'd3) begin  // rxring
      rxe_on <= 1'b1;
      e_slot <= cop_rs1[AAW+VOFF-1:VOFF];
      e_addr <= cop_rs1[AAW+VOFF-1:VOFF] + 1'b1;
      e_slot_words <= cop_rs2[AAW+VOFF-1:VOFF];
      e_state <= E_HEAD;
    end else if (cop_custom1_new && f3 == 3'd1) begin  // recv
      e_once <= 1'b1;
      e_addr <= cop_rs1[AAW+VOFF-1:VOFF];
      e_state <= E_HEAD;
    end else if (rxe_on || e_once) begin
      case (e_state)
        E_HEAD:
          if (rx_valid) begin
            e_src_x <= rx_data[23:16];
            e_src_y <= rx_data[31:24];
            e_flits <= 16'd0;
            e_q <= 0;
            e_part <= 0;
            e_state <= rx_last ? E_HDR : E_BODY;
          end
        E_BODY:
          if (rx_valid) begin
            e_flits <= e_flits + 1'b1;
            e_last <= rx_last;
            if (NARROW) begin
              e_q[e_part*LINK_BITS +: LINK_BITS] <= rx_data;
              e_part <= e_part + 1'b1;
              if (e_part_last || rx_last) e_state <= E_WRITE;
            end else begin
              e_q[LINK_BITS-1:0] <= rx_data;
              e_part <= 0;
              e_state <= E_WRITE;
            end
          end
        E_WRITE:
          if (rxe_go) begin
            e_addr <= e_addr + 1'b1;
            if (NARROW) begin
              e_q <= 0;
              e_part <= 0;
              e_state <= e_last ? E_HDR : E_BODY;
            end else begin
              e_part <= e_part + 1'b1;
              if (e_part_last) e_state <= e_last ? E_HDR : E_BODY;
            end
          end
        default:  // E_HDR
          if (!rxe_on) begin  // recv: done, no header to write
            e_done <= 1'b1;
            e_once <= 1'b0;
            e_state <= E_HEAD;
          end else if (rxe_go) begin
            e_slot <= e_slot + e_slot_words;
            e_addr <= e_slot + e_slot_words + 1'b1;
            e_state <= E_HEAD;
          end
      endcase
    end
  end

  // Address bits beyond the memories' depth, instruction fields the sequencer does not decode, the
  // head flag (the sequencer knows the head is first), the gather shifter's upper bits.
  wire unused = &{1'b0, imem_addr, dmem_addr, cop_insn, cop_rs1, cop_rs2, rx_head, shifted, wmem_en, wmem_addr, word_q, flit_buf,
                  wld_we, wld_be};
endmodule
