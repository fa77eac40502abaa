// mf_router_vc_alloc: virtual-channel allocator of the meshforge mesh router.
//
// A packet stays on its VC number v from source to destination, so an idle input VC (p, v)
// whose head flit is routed to output port o requests output VC (o, v). Per output VC, a
// 5-input mf_rr_arbiter picks one of the requesting input ports; the output VC is granted only
// while it is free. It is busy from the grant until the packet's tail flit crosses the switch
// (`vc_free`), so packets are never interleaved on an output VC. One cycle per allocation
// (grant combinational, busy registered).
module mf_router_vc_alloc #(
  parameter VCS = 2
) (
  input  wire               clk,
  input  wire               rst,
  input  wire [5*VCS-1:0]   req,      // input VC p*VCS+v requests
  input  wire [5*VCS*5-1:0] route,    // its output port, one-hot, at (p*VCS+v)*5
  input  wire [5*VCS-1:0]   vc_free,  // output VC o*VCS+v: tail flit sent this cycle
  output reg  [5*VCS-1:0]   grant     // input VC p*VCS+v allocated its output VC
);
  reg  [5*VCS-1:0] busy;               // output VC o*VCS+v
  wire [5*VCS*5-1:0] arb_grant;        // (o*VCS+v)*5 + p
  integer p, o, v;

  genvar go, gv, gp;
  generate
    for (go = 0; go < 5; go = go + 1) begin : g_out
      for (gv = 0; gv < VCS; gv = gv + 1) begin : g_vc
        wire [4:0] areq;
        for (gp = 0; gp < 5; gp = gp + 1) begin : g_in
          assign areq[gp] = req[gp*VCS + gv] && route[(gp*VCS + gv)*5 + go];
        end
        mf_rr_arbiter #(.N(5)) u_arb (
          .clk(clk), .rst(rst), .req(areq), .advance(!busy[go*VCS + gv]),
          .grant(arb_grant[(go*VCS + gv)*5 +: 5]));
      end
    end
  endgenerate

  always @* begin
    grant = {5*VCS{1'b0}};
    for (o = 0; o < 5; o = o + 1)
      for (v = 0; v < VCS; v = v + 1)
        for (p = 0; p < 5; p = p + 1)
          if (!busy[o*VCS + v] && arb_grant[(o*VCS + v)*5 + p]) grant[p*VCS + v] = 1'b1;
  end

  always @(posedge clk) begin
    if (rst) busy <= {5*VCS{1'b0}};
    else
      for (o = 0; o < 5; o = o + 1)
        for (v = 0; v < VCS; v = v + 1)
          if (!busy[o*VCS + v] && |arb_grant[(o*VCS + v)*5 +: 5]) busy[o*VCS + v] <= 1'b1;
          else if (vc_free[o*VCS + v]) busy[o*VCS + v] <= 1'b0;
  end
endmodule
