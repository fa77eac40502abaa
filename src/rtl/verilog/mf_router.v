// mf_router: 5-port wormhole mesh router of meshforge (docs/rtl.md, "mf_router").
//
// Ports 0 local, 1 north (y - 1), 2 east (x + 1), 3 south (y + 1), 4 west (x - 1); buses
// flattened, port p at [p*N +: N]. Credit-based flow control per VC: out_credit (input) returns
// credits of the downstream buffers, in_credit (output) returns one per flit that left this
// router's input buffers. VCS virtual channels of DEPTH flits per input port. A packet keeps
// its VC number from source to destination (the NI picks it); an output VC is allocated to one
// packet at a time, from its head flit until its tail flit has crossed the switch.
//
// Submodules: mf_router_input (per-VC FIFOs mf_router_fifo, VC state, route compute
// mf_router_route), mf_router_vc_alloc and mf_router_sw_alloc (round-robin mf_rr_arbiter),
// mf_router_xbar (crossbar + output registers), mf_router_credit (output credit counters).
// ROUTING 0 XY, 1 YX, 2 west-first; why each is deadlock-free: mf_router_route.v.
//
// Pipeline (cycle t = the flit is on the input link, in_valid high):
//   t     buffer write (the flit is registered into its VC's FIFO at the end of the cycle)
//   t+1   head flit: route compute + VC allocation (RC is combinational on the queue head)
//   t+2   head flit: switch allocation; crossbar traversal into the output register
//   t+3   the flit is on the output link (out_valid) = on the next router's input link
// Pipeline depth 3 stages (BW, RC/VA, SA/ST); the link itself adds no register.
// Zero-load delay per hop: 3 cycles for a head flit (input link to output link, the link
// included); body/tail flits skip VA and take 2 cycles, so a packet streams at one flit per
// cycle behind its head. A flit granted in cycle s returns its credit upstream at s+1
// (registered in_credit); with the upstream router's counter update the credit round trip is
// 4 cycles, so DEPTH >= 4 sustains one flit per cycle per VC, and DEPTH d < 4 gives d/4.
module mf_router #(
  parameter LINK_BITS = 64,
  parameter VCS       = 2,
  parameter DEPTH     = 4,
  parameter ROUTING   = 0
) (
  input  wire                   clk,
  input  wire                   rst,
  input  wire [7:0]             my_x,
  input  wire [7:0]             my_y,
  input  wire [4:0]             in_valid,
  input  wire [4:0]             in_head,
  input  wire [4:0]             in_tail,
  input  wire [5*((VCS > 1) ? $clog2(VCS) : 1)-1:0] in_vc,
  input  wire [5*LINK_BITS-1:0] in_data,
  output wire [5*VCS-1:0]       in_credit,
  output wire [4:0]             out_valid,
  output wire [4:0]             out_head,
  output wire [4:0]             out_tail,
  output wire [5*((VCS > 1) ? $clog2(VCS) : 1)-1:0] out_vc,
  output wire [5*LINK_BITS-1:0] out_data,
  input  wire [5*VCS-1:0]       out_credit
);
  localparam VCB = (VCS > 1) ? $clog2(VCS) : 1;

  wire [5*VCS-1:0]   va_req;
  wire [5*VCS-1:0]   sa_req;
  wire [5*VCS*5-1:0] route;
  wire [5*VCS-1:0]   va_grant;
  wire [5*VCS-1:0]   sa_grant;
  wire [4:0]         sel_head;
  wire [4:0]         sel_tail;
  wire [5*VCB-1:0]   sel_vc;
  wire [5*LINK_BITS-1:0] sel_data;
  wire [24:0]        xsel;
  wire [4:0]         x_valid;
  wire [4:0]         x_tail;
  wire [5*VCB-1:0]   x_vc;
  wire [5*VCS-1:0]   cred_nz;
  wire [5*VCS-1:0]   send;     // output VC o*VCS+v sends a flit this cycle
  wire [5*VCS-1:0]   vc_free;  // ... and it is the packet's tail

  genvar gp;
  generate
    for (gp = 0; gp < 5; gp = gp + 1) begin : g_port
      mf_router_input #(.LINK_BITS(LINK_BITS), .VCS(VCS), .DEPTH(DEPTH), .ROUTING(ROUTING)) u_in (
        .clk(clk), .rst(rst), .my_x(my_x), .my_y(my_y),
        .in_valid(in_valid[gp]), .in_head(in_head[gp]), .in_tail(in_tail[gp]),
        .in_vc(in_vc[gp*VCB +: VCB]), .in_data(in_data[gp*LINK_BITS +: LINK_BITS]),
        .credit_out(in_credit[gp*VCS +: VCS]),
        .va_grant(va_grant[gp*VCS +: VCS]), .sa_grant(sa_grant[gp*VCS +: VCS]),
        .va_req(va_req[gp*VCS +: VCS]), .sa_req(sa_req[gp*VCS +: VCS]),
        .route(route[gp*VCS*5 +: VCS*5]),
        .sel_head(sel_head[gp]), .sel_tail(sel_tail[gp]), .sel_vc(sel_vc[gp*VCB +: VCB]),
        .sel_data(sel_data[gp*LINK_BITS +: LINK_BITS]));
      mf_router_credit #(.VCS(VCS), .DEPTH(DEPTH)) u_cred (
        .clk(clk), .rst(rst), .send(send[gp*VCS +: VCS]),
        .credit_in(out_credit[gp*VCS +: VCS]), .cred_nz(cred_nz[gp*VCS +: VCS]));
    end
  endgenerate

  mf_router_vc_alloc #(.VCS(VCS)) u_va (
    .clk(clk), .rst(rst), .req(va_req), .route(route), .vc_free(vc_free), .grant(va_grant));

  mf_router_sw_alloc #(.VCS(VCS)) u_sa (
    .clk(clk), .rst(rst), .req(sa_req), .route(route), .cred_nz(cred_nz),
    .grant(sa_grant), .xsel(xsel));

  mf_router_xbar #(.LINK_BITS(LINK_BITS), .VCS(VCS)) u_xbar (
    .clk(clk), .rst(rst), .xsel(xsel),
    .in_head(sel_head), .in_tail(sel_tail), .in_vc(sel_vc), .in_data(sel_data),
    .x_valid(x_valid), .x_tail(x_tail), .x_vc(x_vc),
    .out_valid(out_valid), .out_head(out_head), .out_tail(out_tail), .out_vc(out_vc),
    .out_data(out_data));

  genvar go, gv;
  generate
    for (go = 0; go < 5; go = go + 1) begin : g_out
      for (gv = 0; gv < VCS; gv = gv + 1) begin : g_vc
        localparam [31:0] V32 = gv;
        assign send[go*VCS + gv]    = x_valid[go] && (x_vc[go*VCB +: VCB] == V32[VCB-1:0]);
        assign vc_free[go*VCS + gv] = send[go*VCS + gv] && x_tail[go];
      end
    end
  endgenerate
endmodule
