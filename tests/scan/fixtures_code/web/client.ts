// model: "gpt-4" in a comment does not count
const response = await anthropic.messages.create({
  model: "claude-3-haiku-20240307",
  max_tokens: 256,
});
