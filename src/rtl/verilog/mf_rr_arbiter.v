// mf_rr_arbiter: N-input round-robin arbiter (meshforge router / NI).
//
// grant is combinational: one-hot (or zero when no request). The requester after the last one
// served has the highest priority: a requester that holds req high is granted within N grants
// of the arbiter. The priority moves only when `advance` is high in a cycle with a grant (the
// allocators advance an arbiter only when its grant was finally used), so an arbiter whose
// grant was lost downstream offers the same requester again.
module mf_rr_arbiter #(
  parameter N = 4
) (
  input  wire         clk,
  input  wire         rst,
  input  wire [N-1:0] req,
  input  wire         advance,
  output reg  [N-1:0] grant
);
  // mask[i] = 1: requester i comes after the last grant (first round of the search).
  reg [N-1:0] mask;
  reg [N-1:0] mask_next;
  reg         found;
  reg         seen;
  integer     i;

  always @* begin
    grant = {N{1'b0}};
    found = 1'b0;
    for (i = 0; i < N; i = i + 1)
      if (!found && req[i] && mask[i]) begin
        grant[i] = 1'b1;
        found = 1'b1;
      end
    for (i = 0; i < N; i = i + 1)
      if (!found && req[i]) begin
        grant[i] = 1'b1;
        found = 1'b1;
      end
    // Next mask: the positions strictly above the granted one.
    seen = 1'b0;
    for (i = 0; i < N; i = i + 1) begin
      mask_next[i] = seen;
      seen = seen | grant[i];
    end
  end

  always @(posedge clk)
    if (rst) mask <= {N{1'b1}};
    else if (advance && found) mask <= mask_next;
endmodule
