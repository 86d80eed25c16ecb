@websocket
Feature: The WebSocket transport
  CometD clients may carry the session over a WebSocket at the same URL
  as long polling (ws://host/api/v2/notifications, no subprotocol, the
  same JSON arrays): messages are pushed on the socket as they come and
  /meta/connect remains the heartbeat (docs/bayeux.md C11). The transport
  is optional (C5: the handshake offers websocket only when it is on): a
  target without it says "noWebSocket" in its target file's modes, and
  the runner leaves this feature out.

  @C11
  Scenario: Over a WebSocket a user is told of each change as it happens
    Given alice is Ready on email
    And alice is listening over websocket
    And an email is routed to alice
    When alice accepts it
    Then alice is notified that it is Processing
    And alice's notification carries the referenceId of her last request
    When alice stops processing it
    Then alice is notified that it is Completed

  @B6.1 @B4.11
  Scenario: A WebSocket session and a long-polling one at the same endpoint are each told of their own user's changes
    Given alice is listening over websocket
    And bob is listening
    And an email is routed to alice
    When alice accepts it
    Then alice is notified that it is Processing
    When alice transfers it to bob
    Then alice is notified that it is Transferred
    And bob is notified that it is Invited
    When bob accepts it
    Then bob is notified that it is Processing
    And bob's notification carries the referenceId of his last request
    And no one else is notified
