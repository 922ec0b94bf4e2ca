import assert from 'node:assert/strict';
import test from 'node:test';
import { credentialsQuestion } from '../../src/core/tracking/rest/credentialsQuestion.js';

test('a first 401 asks for a user name and password for the server, naming its realm', () => {
  const question = credentialsQuestion({ host: '127.0.0.1:5000', scheme: 'Basic', realm: 'mlflow', refused: false });
  assert.equal(question.title, 'Sign in to the MLflow server 127.0.0.1:5000');
  assert.equal(question.prompt, 'The tracking server asks for a user name and password (realm "mlflow") (MLflow basic auth). They are kept in VS Code\'s secret storage.');
});

test('a refused answer is said so: the question asks to enter them again', () => {
  const question = credentialsQuestion({ host: 'mlflow.example.com', refused: true });
  assert.equal(question.prompt, "The server refused the user name and password given before: enter them again. They are kept in VS Code's secret storage.");
});

test("a server's realm is one bounded line in the prompt (newlines, control characters, length)", () => {
  const question = credentialsQuestion({ host: 'h', realm: `evil\n\u001b[31mred${'x'.repeat(200)}`, refused: false });
  const realm = /realm "([^"]*)"/.exec(question.prompt)![1]!;
  assert.ok(!realm.includes('\n') && !realm.includes('\u001b'));
  assert.equal(realm.length, 80);
  assert.ok(realm.endsWith('…'));
});
