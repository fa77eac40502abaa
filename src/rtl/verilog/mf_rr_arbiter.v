// mf_rr_arbiter: N-input round-robin arbiter (meshforge router / NI).
//
// grant is combinational: one-hot (or zero when no request). The requester after the last one
// served has the highest priority: a requester that holds req high is granted within N grants
// of the arbiter. The priority moves only when `advance` is high in a cycle with a grant (the
// allocators advance an arbiter only when its grant was finally used), so an arbiter whose
// grant was lost downstream offers the same requester again.
// (Written as continuous assignments: lowest set bit of the requests above the last grant, else
// of all requests.)
module mf_rr_arbiter #(
  parameter N = 4
) (
  input  wire         clk,
  input  wire         rst,
  input  wire [N-1:0] req,
  input  wire         advance,
  output wire [N-1:0] grant
);
  // mask[i] = 1: requester i comes after the last grant (searched first).
  reg  [N-1:0] mask;
  wire [N-1:0] mreq     = req & mask;
  wire [N-1:0] g_masked = mreq & ~(mreq - 1'b1);
  wire [N-1:0] g_all    = req & ~(req - 1'b1);
  assign grant = (|mreq) ? g_masked : g_all;
  // The positions strictly above the granted one.
  wire [N-1:0] mask_next = ~(grant | (grant - 1'b1));

  always @(posedge clk)
    if (rst) mask <= {N{1'b1}};
    else if (advance && (|req)) mask <= mask_next;
endmodule
