// mf_router_xbar: 5x5 crossbar and output registers of the meshforge mesh router (switch
// traversal). Output o takes the flit of input port p when xsel[o*5+p]; the flit is registered
// onto the output link (out_*). x_valid / x_tail / x_vc are the unregistered selections, used by
// the router for its credit counters and output-VC release.
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
  output reg  [4:0]             x_valid,
  output reg  [4:0]             x_tail,
  output reg  [5*((VCS > 1) ? $clog2(VCS) : 1)-1:0] x_vc,
  output reg  [4:0]             out_valid,
  output reg  [4:0]             out_head,
  output reg  [4:0]             out_tail,
  output reg  [5*((VCS > 1) ? $clog2(VCS) : 1)-1:0] out_vc,
  output reg  [5*LINK_BITS-1:0] out_data
);
  localparam VCB = (VCS > 1) ? $clog2(VCS) : 1;
  reg [4:0]             x_head;
  reg [5*LINK_BITS-1:0] x_data;
  integer o, p;

  always @* begin
    x_valid = 5'd0;
    x_head  = 5'd0;
    x_tail  = 5'd0;
    x_vc    = {5*VCB{1'b0}};
    for (o = 0; o < 5; o = o + 1) begin
      x_data[o*LINK_BITS +: LINK_BITS] = {LINK_BITS{1'b0}};
      for (p = 0; p < 5; p = p + 1)
        if (xsel[o*5 + p]) begin
          x_valid[o] = 1'b1;
          x_head[o]  = x_head[o] | in_head[p];
          x_tail[o]  = x_tail[o] | in_tail[p];
          x_vc[o*VCB +: VCB] = x_vc[o*VCB +: VCB] | in_vc[p*VCB +: VCB];
          x_data[o*LINK_BITS +: LINK_BITS] = x_data[o*LINK_BITS +: LINK_BITS] |
                                             in_data[p*LINK_BITS +: LINK_BITS];
        end
    end
  end

  always @(posedge clk) begin
    if (rst) out_valid <= 5'd0;
    else     out_valid <= x_valid;
    out_head <= x_head;
    out_tail <= x_tail;
    out_vc   <= x_vc;
    out_data <= x_data;
  end
endmodule
