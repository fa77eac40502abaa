// mf_router_input: one input port of the meshforge mesh router.
//
// Holds one mf_router_fifo of DEPTH flits per virtual channel and the state of each input VC:
// idle (its head-of-queue flit, a head flit, waits for VC allocation; the route is computed
// from it every cycle by mf_router_route) or active (allocated an output VC on port
// `route`, until the tail flit leaves). Flit word in the FIFO: {head, tail, data}.
// The flit of the VC the switch allocator granted (sa_grant, one-hot or zero) is presented on
// sel_* for the crossbar and dequeued; its buffer slot is returned upstream on credit_out one
// cycle later (registered).
module mf_router_input #(
  parameter LINK_BITS = 64,
  parameter VCS       = 2,
  parameter DEPTH     = 4,
  parameter ROUTING   = 0
) (
  input  wire                 clk,
  input  wire                 rst,
  input  wire [7:0]           my_x,
  input  wire [7:0]           my_y,
  input  wire                 in_valid,
  input  wire                 in_head,
  input  wire                 in_tail,
  input  wire [((VCS > 1) ? $clog2(VCS) : 1)-1:0] in_vc,
  input  wire [LINK_BITS-1:0] in_data,
  output reg  [VCS-1:0]       credit_out,
  input  wire [VCS-1:0]       va_grant,
  input  wire [VCS-1:0]       sa_grant,
  output wire [VCS-1:0]       va_req,
  output wire [VCS-1:0]       sa_req,
  output wire [VCS*5-1:0]     route,
  output reg                  sel_head,
  output reg                  sel_tail,
  output reg  [((VCS > 1) ? $clog2(VCS) : 1)-1:0] sel_vc,
  output reg  [LINK_BITS-1:0] sel_data
);
  localparam VCB = (VCS > 1) ? $clog2(VCS) : 1;
  localparam FW  = LINK_BITS + 2;

  wire [VCS-1:0]       vc_oh;      // in_vc decoded
  wire [VCS-1:0]       q_valid;
  wire [VCS*FW-1:0]    q_flit;
  wire [VCS*5-1:0]     route_new;  // computed from the head flit at the queue head
  reg  [VCS*5-1:0]     route_r;    // held while the VC is active
  reg  [VCS-1:0]       active;
  reg  [FW-1:0]        t_flit;
  reg  [VCB-1:0]       t_vc;
  integer              j;

  genvar v;
  generate
    for (v = 0; v < VCS; v = v + 1) begin : g_vc
      localparam [31:0] V32 = v;
      wire [FW-1:0] flit = q_flit[v*FW +: FW];
      assign vc_oh[v] = (in_vc == V32[VCB-1:0]);
      mf_router_fifo #(.WIDTH(FW), .DEPTH(DEPTH)) u_fifo (
        .clk(clk), .rst(rst),
        .wr_en(in_valid && vc_oh[v]), .wr_data({in_head, in_tail, in_data}),
        .rd_en(sa_grant[v]), .valid(q_valid[v]), .rd_data(q_flit[v*FW +: FW]));
      mf_router_route #(.ROUTING(ROUTING)) u_route (
        .my_x(my_x), .my_y(my_y), .dst_x(flit[7:0]), .dst_y(flit[15:8]),
        .port(route_new[v*5 +: 5]));
      assign va_req[v] = !active[v] && q_valid[v] && flit[FW-1];
      assign sa_req[v] = active[v] && q_valid[v];
      assign route[v*5 +: 5] = active[v] ? route_r[v*5 +: 5] : route_new[v*5 +: 5];

      always @(posedge clk) begin
        if (rst) active[v] <= 1'b0;
        else if (va_grant[v]) active[v] <= 1'b1;
        else if (sa_grant[v] && flit[FW-2]) active[v] <= 1'b0;
        if (va_grant[v]) route_r[v*5 +: 5] <= route_new[v*5 +: 5];
      end
`ifndef SYNTHESIS
      always @(posedge clk)
        if (!rst && !active[v] && q_valid[v] && !flit[FW-1])
          $display("ERROR: %m: body flit at the head of an idle VC at %0t", $time);
`endif

    end
  endgenerate

  // Flit of the granted VC: AND-OR multiplexer over the one-hot grant, into temporaries that are
  // assigned once (no intermediate values for the simulator to propagate).
  always @* begin
    t_flit = {FW{1'b0}};
    t_vc   = {VCB{1'b0}};
    for (j = 0; j < VCS; j = j + 1)
      if (sa_grant[j]) begin
        t_flit = t_flit | q_flit[j*FW +: FW];
        t_vc   = t_vc | j[VCB-1:0];
      end
    sel_head = t_flit[FW-1];
    sel_tail = t_flit[FW-2];
    sel_data = t_flit[LINK_BITS-1:0];
    sel_vc   = t_vc;
  end

  always @(posedge clk)
    if (rst) credit_out <= {VCS{1'b0}};
    else     credit_out <= sa_grant;
endmodule
