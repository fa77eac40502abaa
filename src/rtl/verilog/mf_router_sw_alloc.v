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
  wire [5*VCS-1:0] in_gnt;   // stage-1 winners, p*VCS+v
  reg  [5*5-1:0]   in_want;  // input p's winner wants output o: bit p*5+o
  reg  [5*VCS-1:0] qreq;     // credit-qualified requests
  wire [4:0]       port_won;
  integer p, v, o;

  always @* begin
    for (p = 0; p < 5; p = p + 1)
      for (v = 0; v < VCS; v = v + 1) begin
        qreq[p*VCS + v] = 1'b0;
        for (o = 0; o < 5; o = o + 1)
          if (route[(p*VCS + v)*5 + o] && cred_nz[o*VCS + v]) qreq[p*VCS + v] = req[p*VCS + v];
      end
    in_want = 25'd0;
    for (p = 0; p < 5; p = p + 1)
      for (v = 0; v < VCS; v = v + 1)
        if (in_gnt[p*VCS + v]) in_want[p*5 +: 5] = in_want[p*5 +: 5] | route[(p*VCS + v)*5 +: 5];
  end

  genvar gp, go;
  generate
    for (gp = 0; gp < 5; gp = gp + 1) begin : g_in
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
