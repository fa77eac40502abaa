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
  output wire [5*VCS-1:0]   grant     // input VC p*VCS+v allocated its output VC
);
  wire [5*VCS*5-1:0] arb_grant;        // (o*VCS+v)*5 + p, gated by !busy

  genvar go, gv, gp;
  generate
    for (go = 0; go < 5; go = go + 1) begin : g_out
      for (gv = 0; gv < VCS; gv = gv + 1) begin : g_vc
        reg        busy;
        wire [4:0] areq;
        wire [4:0] agnt;
        for (gp = 0; gp < 5; gp = gp + 1) begin : g_in
          assign areq[gp] = req[gp*VCS + gv] && route[(gp*VCS + gv)*5 + go];
        end
        mf_rr_arbiter #(.N(5)) u_arb (
          .clk(clk), .rst(rst), .req(areq), .advance(!busy), .grant(agnt));
        assign arb_grant[(go*VCS + gv)*5 +: 5] = agnt & {5{!busy}};
        always @(posedge clk)
          if (rst) busy <= 1'b0;
          else if (|arb_grant[(go*VCS + gv)*5 +: 5]) busy <= 1'b1;
          else if (vc_free[go*VCS + gv]) busy <= 1'b0;
      end
    end
    for (gp = 0; gp < 5; gp = gp + 1) begin : g_in
      for (gv = 0; gv < VCS; gv = gv + 1) begin : g_vc
        assign grant[gp*VCS + gv] = arb_grant[(0*VCS + gv)*5 + gp] | arb_grant[(1*VCS + gv)*5 + gp] |
                                    arb_grant[(2*VCS + gv)*5 + gp] | arb_grant[(3*VCS + gv)*5 + gp] |
                                    arb_grant[(4*VCS + gv)*5 + gp];
      end
    end
  endgenerate
endmodule
