@isolation
Feature: Isolation between agents
  An agent sees and changes only what it takes part in: another agent's
  interaction is visible through GET /interactions as a non-party (its own
  state, no capabilities), never in the agent's own list, and every
  operation on it is refused. Each user's notifications go to that user's
  sessions only, whatever the subscription pattern; clients may not
  publish notifications.

  Scenario: An agent sees another agent's interaction only as a non-party
    Given alice and bob are listening
    And an email is routed to alice
    And alice accepts it
    And alice is notified that it is Processing
    Then bob sees it as Processing with capabilities none
    And bob does not have it among his interactions
    And no one else is notified

  @B4.15 @B4.17
  Scenario Outline: An agent cannot <what> on another agent's interaction
    Given alice and bob are listening
    And an email is routed to alice
    And alice accepts it
    And alice is notified that it is Processing
    When bob sends <method> <path> with:
      """
      <body>
      """
    Then the request is refused with status 403
    And no one else is notified
    And alice sees it as Processing

    Examples:
      | what                 | method | path                              | body                                                       |
      | complete it          | POST   | /api/v2/me/interactions/{{it}}    | {"operationName": "StopProcessing"}                        |
      | queue it             | POST   | /api/v2/me/interactions/{{it}}    | {"operationName": "PlaceInQueue", "queue": "{{queues.email-inbound}}"} |
      | change properties    | POST   | /api/v2/me/interactions/{{it}}    | {"operationName": "UpdateProperties", "properties": {"x": 1}} |
      | store it             | POST   | /api/v2/me/interactions/{{it}}    | {"operationName": "PlaceInWorkbin", "workbin": "{{workbins.team-workbin}}"} |
      | transfer it          | POST   | /api/v2/me/interactions/{{it}}    | {"operationName": "Transfer", "targetId": "{{bob.id}}"}    |
      | conference on it     | POST   | /api/v2/me/interactions/{{it}}    | {"operationName": "StartConference", "agentId": "{{bob.id}}"} |
      | leave a conference   | POST   | /api/v2/me/interactions/{{it}}    | {"operationName": "EndConference"}                         |
      | change channel data  | PUT    | /api/v2/interactions/{{it}}       | {"email_object": {"subject": "x"}}                         |

  @B6.3 @B6.5
  Scenario Outline: Notifications reach only their user, also through the wildcard <pattern>
    Given alice is Ready on email
    And alice is listening
    And bob is listening on <pattern>
    When an email is routed to alice
    Then bob receives no notification
    When a chat is routed to bob
    Then alice receives no notification
    When alice becomes NotReady on email
    Then alice is notified that she is NotReady on email
    And bob receives no notification

    Examples:
      | pattern  |
      | /v2/me/* |
      | /v2/me/** |
      | /v2/**   |

  @B6.5
  Scenario: An offer to one agent notifies nobody else
    Given alice and bob are listening
    And carol is listening on /v2/me/interactions
    When an email is routed to carol
    Then no one else is notified

  @B6.6 @C10
  Scenario: Clients may not publish notifications
    Given alice is listening
    Then alice cannot publish to /v2/me/interactions
    And alice cannot publish to /v2/me/channels
    And alice receives no notification
