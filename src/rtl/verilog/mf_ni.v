// mf_ni: network interface of meshforge between a tile's DMA and its router's local port
// (docs/rtl.md, "mf_ni").
//
// Transmit: a packet is the stream of tx words up to the one with tx_last. When the first word is
// offered (tx_valid) and the injection link has a credit on tx_vc, the NI sends the head flit
// {.., src y, src x, dst y, dst x} (bits above 31 zero) built from tx_dst_x/tx_dst_y and
// my_x/my_y, and samples tx_dst_* / tx_vc; tx_ready stays low in that cycle. From the next cycle
// tx_ready is high whenever the packet's VC has a credit, and each accepted word is sent as a
// body flit, the tx_last word as the tail. A packet of n words is n + 1 flits; at full credit
// the NI sends one flit per cycle (the head costs one cycle per packet).
//
// Receive: one mf_router_fifo of DEPTH flits per VC holds what the router ejects (the router's
// local output port sends with credits like any other port; ej_credit returns one credit per
// flit the tile consumed, registered). The receive stream delivers whole packets, head flit
// first (rx_head, so the tile sees the source), body flits, tail (rx_last): the NI picks a VC
// whose queue holds a head flit (round robin over VCs, mf_rr_arbiter) and stays on it until the
// tail has been consumed, so packets of different VCs are never interleaved on rx.
//
// Latency: a head flit offered in cycle t is on the injection link at t+1; a flit on the
// ejection link in cycle t is on rx (rx_valid) at t+1.
module mf_ni #(
  parameter LINK_BITS = 64,
  parameter VCS       = 2,
  parameter DEPTH     = 4
) (
  input  wire                 clk,
  input  wire                 rst,
  input  wire [7:0]           my_x,
  input  wire [7:0]           my_y,
  // transmit stream (from the tile)
  input  wire                 tx_valid,
  output wire                 tx_ready,
  input  wire [LINK_BITS-1:0] tx_data,
  input  wire                 tx_last,
  input  wire [7:0]           tx_dst_x,
  input  wire [7:0]           tx_dst_y,
  input  wire [((VCS > 1) ? $clog2(VCS) : 1)-1:0] tx_vc,
  // receive stream (to the tile)
  output wire                 rx_valid,
  input  wire                 rx_ready,
  output reg  [LINK_BITS-1:0] rx_data,
  output reg                  rx_head,
  output reg                  rx_last,
  // injection link: to the router's local input port (router in_*[0], in_credit[0 +: VCS])
  output reg                  inj_valid,
  output reg                  inj_head,
  output reg                  inj_tail,
  output reg  [((VCS > 1) ? $clog2(VCS) : 1)-1:0] inj_vc,
  output reg  [LINK_BITS-1:0] inj_data,
  input  wire [VCS-1:0]       inj_credit,
  // ejection link: from the router's local output port (router out_*[0], out_credit[0 +: VCS])
  input  wire                 ej_valid,
  input  wire                 ej_head,
  input  wire                 ej_tail,
  input  wire [((VCS > 1) ? $clog2(VCS) : 1)-1:0] ej_vc,
  input  wire [LINK_BITS-1:0] ej_data,
  output reg  [VCS-1:0]       ej_credit
);
  localparam VCB = (VCS > 1) ? $clog2(VCS) : 1;
  localparam FW  = LINK_BITS + 2;
  integer i, j;
  reg [LINK_BITS-1:0] t_data;
  reg                 t_head, t_last;

  // ---------------------------------------------------------------- transmit
  reg            in_pkt;     // head sent, body words follow
  reg  [VCB-1:0] pkt_vc;
  wire [VCB-1:0] cur_vc = in_pkt ? pkt_vc : tx_vc;
  reg  [VCS-1:0] cur_oh;
  wire [VCS-1:0] cred_nz;
  wire           cred_ok = |(cred_nz & cur_oh);
  wire           send_head = !in_pkt && tx_valid && cred_ok;
  wire           send_body = in_pkt && tx_valid && cred_ok;
  reg  [LINK_BITS-1:0] head_word;

  assign tx_ready = in_pkt && cred_ok;

  always @* begin
    for (i = 0; i < VCS; i = i + 1)
      cur_oh[i] = (cur_vc == i[VCB-1:0]);
    head_word = {LINK_BITS{1'b0}};
    head_word[31:0] = {my_y, my_x, tx_dst_y, tx_dst_x};
  end

  mf_router_credit #(.VCS(VCS), .DEPTH(DEPTH)) u_cred (
    .clk(clk), .rst(rst), .send(cur_oh & {VCS{send_head | send_body}}),
    .credit_in(inj_credit), .cred_nz(cred_nz));

  always @(posedge clk) begin
    if (rst) begin
      in_pkt    <= 1'b0;
      inj_valid <= 1'b0;
    end else begin
      inj_valid <= send_head | send_body;
      if (send_head) in_pkt <= 1'b1;
      else if (send_body && tx_last) in_pkt <= 1'b0;
    end
    if (send_head) pkt_vc <= tx_vc;
    inj_head <= send_head;
    inj_tail <= send_body && tx_last;
    inj_vc   <= cur_vc;
    inj_data <= send_head ? head_word : tx_data;
  end

  // ---------------------------------------------------------------- receive
  reg  [VCS-1:0]    ej_oh;
  wire [VCS-1:0]    q_valid;
  wire [VCS*FW-1:0] q_flit;
  wire [VCS-1:0]    arb_grant;
  reg               locked;      // in the middle of a packet on lock_oh
  reg  [VCS-1:0]    lock_oh;
  wire [VCS-1:0]    sel = locked ? lock_oh : arb_grant;
  wire              rx_fire = rx_valid && rx_ready;
  wire [VCS-1:0]    deq = sel & {VCS{rx_fire}};

  assign rx_valid = |(sel & q_valid);

  always @* begin
    for (j = 0; j < VCS; j = j + 1)
      ej_oh[j] = (ej_vc == j[VCB-1:0]);
    t_data = {LINK_BITS{1'b0}};
    t_head = 1'b0;
    t_last = 1'b0;
    for (j = 0; j < VCS; j = j + 1)
      if (sel[j]) begin
        t_data = t_data | q_flit[j*FW +: LINK_BITS];
        t_head = t_head | q_flit[j*FW + FW - 1];
        t_last = t_last | q_flit[j*FW + FW - 2];
      end
    rx_data = t_data;
    rx_head = t_head;
    rx_last = t_last;
  end

  genvar v;
  generate
    for (v = 0; v < VCS; v = v + 1) begin : g_vc
      mf_router_fifo #(.WIDTH(FW), .DEPTH(DEPTH)) u_fifo (
        .clk(clk), .rst(rst),
        .wr_en(ej_valid && ej_oh[v]), .wr_data({ej_head, ej_tail, ej_data}),
        .rd_en(deq[v]), .valid(q_valid[v]), .rd_data(q_flit[v*FW +: FW]));
    end
  endgenerate

  mf_rr_arbiter #(.N(VCS)) u_arb (
    .clk(clk), .rst(rst), .req(q_valid), .advance(!locked && rx_fire), .grant(arb_grant));

  always @(posedge clk) begin
    if (rst) begin
      locked    <= 1'b0;
      ej_credit <= {VCS{1'b0}};
    end else begin
      ej_credit <= deq;
      if (rx_fire) locked <= !rx_last;
    end
    if (rx_fire && !locked) lock_oh <= sel;
  end
endmodule
