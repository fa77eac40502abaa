// mf_router_sw_alloc: switch allocator of the meshforge mesh router (separable, input first).
//
// An active input VC (p, v) with a flit at its queue head requests its output port o when the
// output VC (o, v) has a credit. Stage 1: per input port, an mf_rr_arbiter over its VCS
// requesting VCs. Stage 2: per output port, a 5-input mf_rr_arbiter over the input ports whose
// stage-1 winner wants it. Arbiters advance only when their grant is used, so each stage is
// round-robin fair. Combinational; the crossbar registers the result.
module mf_router_sw_alloc #(
  parameter VCS = 2
) (
  input  wire               clk,
  input  wire               rst,
  input  wire [5*VCS-1:0]   req,      // input VC p*VCS+v has an active flit
  input  wire [5*VCS*5-1:0] route,    // its output port, one-hot, at (p*VCS+v)*5
  input  wire [5*VCS-1:0]   cred_nz,  // output VC o*VCS+v has a credit
  output wire [5*VCS-1:0]   grant,    // input VC p*VCS+v sends its flit this cycle
  output wire [25-1:0]      xsel      // output o takes input p: bit o*5+p (one-hot per o)
);
  wire [5*VCS-1:0] qreq;     // credit-qualified requests
  wire [5*VCS-1:0] in_gnt;   // stage-1 winners, p*VCS+v
  wire [5*5-1:0]   in_want;  // input p's winner wants output o: bit p*5+o
  wire [4:0]       port_won;

  genvar gp, gv, go;
  generate
    for (gp = 0; gp < 5; gp = gp + 1) begin : g_in
      for (gv = 0; gv < VCS; gv = gv + 1) begin : g_vc
        wire [4:0] cred = {cred_nz[4*VCS + gv], cred_nz[3*VCS + gv], cred_nz[2*VCS + gv],
                           cred_nz[1*VCS + gv], cred_nz[0*VCS + gv]};
        assign qreq[gp*VCS + gv] = req[gp*VCS + gv] && |(route[(gp*VCS + gv)*5 +: 5] & cred);
      end
      for (go = 0; go < 5; go = go + 1) begin : g_want
        wire [VCS-1:0] r_o;  // route bit o of each VC of this input
        for (gv = 0; gv < VCS; gv = gv + 1) begin : g_vc
          assign r_o[gv] = route[(gp*VCS + gv)*5 + go];
        end
        assign in_want[gp*5 + go] = |(in_gnt[gp*VCS +: VCS] & r_o);
      end
      mf_rr_arbiter #(.N(VCS)) u_arb (
        .clk(clk), .rst(rst), .req(qreq[gp*VCS +: VCS]), .advance(port_won[gp]),
        .grant(in_gnt[gp*VCS +: VCS]));
      assign port_won[gp] = xsel[0*5 + gp] | xsel[1*5 + gp] | xsel[2*5 + gp] |
                            xsel[3*5 + gp] | xsel[4*5 + gp];
      assign grant[gp*VCS +: VCS] = in_gnt[gp*VCS +: VCS] & {VCS{port_won[gp]}};
    end
    for (go = 0; go < 5; go = go + 1) begin : g_out
      wire [4:0] oreq = {in_want[4*5 + go], in_want[3*5 + go], in_want[2*5 + go],
                         in_want[1*5 + go], in_want[0*5 + go]};
      mf_rr_arbiter #(.N(5)) u_arb (
        .clk(clk), .rst(rst), .req(oreq), .advance(1'b1), .grant(xsel[go*5 +: 5]));
    end
  endgenerate
endmodule
