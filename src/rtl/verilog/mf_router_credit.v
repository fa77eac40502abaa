// mf_router_credit: per-VC credit counters of one output link (router output port, or the
// network interface's injection link). Each counter starts at DEPTH (the receiver's buffer
// depth), is decremented when a flit is sent on its VC (send, one-hot or zero) and incremented
// when the receiver returns a credit (credit_in). cred_nz: the VC may send this cycle.
module mf_router_credit #(
  parameter VCS   = 2,
  parameter DEPTH = 4
) (
  input  wire           clk,
  input  wire           rst,
  input  wire [VCS-1:0] send,
  input  wire [VCS-1:0] credit_in,
  output wire [VCS-1:0] cred_nz
);
  localparam CW = $clog2(DEPTH + 1);
  localparam [31:0]   D32  = DEPTH;
  localparam [CW-1:0] INIT = D32[CW-1:0];

  genvar v;
  generate
    for (v = 0; v < VCS; v = v + 1) begin : g_vc
      reg [CW-1:0] cnt;
      assign cred_nz[v] = (cnt != {CW{1'b0}});
      always @(posedge clk)
        if (rst) cnt <= INIT;
        else if (send[v] && !credit_in[v]) cnt <= cnt - 1'b1;
        else if (credit_in[v] && !send[v]) cnt <= cnt + 1'b1;
`ifndef SYNTHESIS
      always @(posedge clk)
        if (!rst && ((send[v] && !credit_in[v] && cnt == {CW{1'b0}}) ||
                     (credit_in[v] && !send[v] && cnt == INIT)))
          $display("ERROR: %m: credit counter under/overflow at %0t", $time);
`endif
    end
  endgenerate
endmodule
