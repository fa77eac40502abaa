// mf_router_xbar: 5x5 crossbar and output registers of the meshforge mesh router (switch
// traversal). Output o takes the flit of input port p when xsel[o*5+p] (one-hot per output);
// the flit is registered onto the output link (out_*). x_valid / x_tail / x_vc are the
// unregistered selections, used by the router for its credit counters and output-VC release.
module mf_router_xbar #(
  parameter LINK_BITS = 64,
  parameter VCS       = 2
) (
  input  wire                   clk,
  input  wire                   rst,
  input  wire [24:0]            xsel,
  input  wire [4:0]             in_head,
  input  wire [4:0]             in_tail,
  input  wire [5*((VCS > 1) ? $clog2(VCS) : 1)-1:0] in_vc,
  input  wire [5*LINK_BITS-1:0] in_data,
  output wire [4:0]             x_valid,
  output wire [4:0]             x_tail,
  output wire [5*((VCS > 1) ? $clog2(VCS) : 1)-1:0] x_vc,
  output reg  [4:0]             out_valid,
  output reg  [4:0]             out_head,
  output reg  [4:0]             out_tail,
  output reg  [5*((VCS > 1) ? $clog2(VCS) : 1)-1:0] out_vc,
  output reg  [5*LINK_BITS-1:0] out_data
);
  localparam VCB = (VCS > 1) ? $clog2(VCS) : 1;
  localparam LB  = LINK_BITS;
  wire [4:0]      x_head;
  wire [5*LB-1:0] x_data;

  genvar go;
  generate
    for (go = 0; go < 5; go = go + 1) begin : g_out
      wire [4:0] s = xsel[go*5 +: 5];
      assign x_valid[go] = |s;
      assign x_head[go]  = |(s & in_head);
      assign x_tail[go]  = |(s & in_tail);
      // xsel is one-hot per output, so a priority multiplexer selects the same flit.
      assign x_vc[go*VCB +: VCB] = s[0] ? in_vc[0*VCB +: VCB] : s[1] ? in_vc[1*VCB +: VCB] :
                                   s[2] ? in_vc[2*VCB +: VCB] : s[3] ? in_vc[3*VCB +: VCB] :
                                   in_vc[4*VCB +: VCB];
      assign x_data[go*LB +: LB] = s[0] ? in_data[0*LB +: LB] : s[1] ? in_data[1*LB +: LB] :
                                   s[2] ? in_data[2*LB +: LB] : s[3] ? in_data[3*LB +: LB] :
                                   in_data[4*LB +: LB];
    end
  endgenerate

  always @(posedge clk) begin
    if (rst) out_valid <= 5'd0;
    else     out_valid <= x_valid;
    out_head <= x_head;
    out_tail <= x_tail;
    out_vc   <= x_vc;
    out_data <= x_data;
  end
endmodule
